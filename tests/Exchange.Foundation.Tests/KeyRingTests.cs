using Exchange.Core.Data;
using Exchange.Core.Hosting;
using Exchange.Testing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Foundation.Tests;

/// <summary>The data-protection key ring: one ring in the database for every service, encrypted at rest with a certificate.</summary>
public sealed class KeyRingTests
{
    [Fact]
    public async Task With_a_certificate_the_stored_keys_are_encrypted_and_another_node_reads_them()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        var certificate = KeyRingCertificate.Load(Configuration(TestCertificates.KeyRingEnvironment));
        Assert.Null(certificate.Problem);

        string protectedValue;
        await using (var first = Node(database, certificate))
        {
            KeyRing.EnsureCurrentKey(first, TimeProvider.System);
            protectedValue = first.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("a webhook secret");
        }

        await using (var db = database.CreateContext())
        {
            var xml = (await db.DataProtectionKeys.SingleAsync()).Xml!;
            Assert.Contains("encryptedSecret", xml);
            Assert.DoesNotContain("<masterKey", xml);
        }

        await using var second = Node(database, KeyRingCertificate.Load(Configuration(TestCertificates.KeyRingEnvironment)));
        Assert.Equal("a webhook secret", second.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(protectedValue));
    }

    [Fact]
    public async Task The_migrate_step_makes_one_key_that_every_service_starting_afterwards_uses()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        var certificate = KeyRingCertificate.Load(Configuration([]));
        await using (var migrate = Node(database, certificate))
        {
            KeyRing.EnsureCurrentKey(migrate, TimeProvider.System);
            KeyRing.EnsureCurrentKey(migrate, TimeProvider.System);
        }

        // Two services starting together protect with the key the migrate step made; neither makes its own.
        await using var api = Node(database, certificate);
        await using var jobs = Node(database, certificate);
        var fromApi = api.GetRequiredService<IDataProtectionProvider>().CreateProtector("webhooks").Protect("secret");
        Assert.Equal("secret", jobs.GetRequiredService<IDataProtectionProvider>().CreateProtector("webhooks").Unprotect(fromApi));
        await using var db = database.CreateContext();
        Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
    }

    [Fact]
    public void A_certificate_file_that_cannot_be_opened_is_a_problem_that_names_the_setting_not_the_password()
    {
        var settings = TestCertificates.KeyRingEnvironment;
        settings["Exchange__DataProtection__CertificatePassword"] = "not-the-password";

        var certificate = KeyRingCertificate.Load(Configuration(settings));

        Assert.Null(certificate.Current);
        Assert.Contains("Exchange:DataProtection:CertificatePath", certificate.Problem);
        Assert.DoesNotContain("not-the-password", certificate.Problem);
    }

    private static IConfiguration Configuration(Dictionary<string, string> environment) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(environment.Select(e => new KeyValuePair<string, string?>(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value)))
            .Build();

    private static ServiceProvider Node(TestDatabase database, KeyRingCertificate certificate)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddDbContext<ExchangeDbContext>(b => DatabaseServiceCollectionExtensions.Configure(b, database.Options));
        services.AddExchangeKeyRing(certificate);
        return services.BuildServiceProvider();
    }
}

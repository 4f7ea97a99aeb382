using Exchange.Testing;

namespace Exchange.Foundation.Tests;

/// <summary>Starts the built services as real processes, as an operator would, in Production mode.</summary>
public sealed class ProductionStartupTests
{
    [Fact]
    public async Task Production_with_the_development_secret_exits_non_zero_naming_the_setting()
    {
        await using var database = await TestDatabase.CreateAsync();
        var result = await RunAsync("Exchange.Portal", database, new() { ["Exchange__Portal__ClientSecret"] = "dev-portal-secret" });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Exchange:Portal:ClientSecret", result.Output);
    }

    [Fact]
    public async Task Production_with_an_unreachable_database_exits_non_zero_with_a_clear_message()
    {
        await using var database = await TestDatabase.CreateAsync();
        var result = await RunAsync("Exchange.Api", database, new()
        {
            ["Exchange__Database__Provider"] = "Postgres",
            ["Exchange__Database__ConnectionString"] = "Host=127.0.0.1;Port=1;Username=exchange;Password=unused;Timeout=3",
            ["Exchange__Database__StartupTimeout"] = "00:00:05",
        });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("database", result.Output);
        Assert.Contains("cannot be reached", result.Output);
    }

    [Fact]
    public async Task Production_Jobs_with_the_development_dashboard_secret_exits_non_zero_naming_the_setting()
    {
        await using var database = await TestDatabase.CreateAsync();
        var result = await RunAsync("Exchange.Jobs", database, new());

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Exchange:Jobs:Dashboard:ClientSecret", result.Output);
    }

    [Fact]
    public async Task Production_refuses_the_demo_seed()
    {
        await using var database = await TestDatabase.CreateAsync();
        var result = await RunAsync("Exchange.Jobs", database, new()
        {
            ["Exchange__Demo__Seed"] = "true",
            // A real dashboard secret, so the refusal is the seed's.
            ["Exchange__Jobs__Dashboard__ClientSecret"] = "a-deployment-secret-0123456789",
        });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Exchange:Demo:Seed", result.Output);
    }

    [Fact]
    public async Task Production_without_a_key_ring_certificate_exits_non_zero_naming_the_setting()
    {
        await using var database = await TestDatabase.CreateAsync();
        var result = await RunAsync("Exchange.Api", database, new() { ["Exchange__DataProtection__CertificatePath"] = "" });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Exchange:DataProtection:CertificatePath", result.Output);
    }

    [Theory]
    [InlineData("Exchange.Api")]
    [InlineData("Exchange.Jobs")]
    public async Task Production_without_a_content_key_directory_exits_non_zero_naming_the_setting(string project)
    {
        await using var database = await TestDatabase.CreateAsync();
        var result = await RunAsync(project, database, new()
        {
            ["Exchange__ContentKeys__Directory"] = "",
            ["Exchange__Jobs__Dashboard__ClientSecret"] = "a-real-secret-for-this-test",
        });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Exchange:ContentKeys:Directory", result.Output);
        Assert.False(Directory.Exists(database.ContentKeyDirectory), "no key was written anywhere");
    }

    [Fact]
    public async Task Production_Jobs_without_an_audit_signing_key_exits_non_zero_naming_the_setting()
    {
        await using var database = await TestDatabase.CreateAsync();
        var result = await RunAsync("Exchange.Jobs", database, new()
        {
            ["Exchange__Audit__SigningKeyPath"] = "",
            ["Exchange__Jobs__Dashboard__ClientSecret"] = "a-real-secret-for-this-test",
        });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Exchange:Audit:SigningKeyPath", result.Output);
        Assert.False(File.Exists(database.AuditSigningKeyPath), "no key was made in Production");
    }

    [Fact]
    public async Task Sql_server_that_cannot_be_reached_exits_non_zero_with_a_clear_message()
    {
        // No SQL Server engine runs on these machines; an unreachable one is what can be shown here.
        await using var database = await TestDatabase.CreateAsync();
        var result = await RunAsync("Exchange.Api", database, new()
        {
            ["Exchange__Database__Provider"] = "SqlServer",
            ["Exchange__Database__ConnectionString"] = "Server=tcp:127.0.0.1,1;Database=exchange;User ID=exchange;Password=unused;Connect Timeout=3;Encrypt=true",
            ["Exchange__Database__StartupTimeout"] = "00:00:05",
        });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("SqlServer database named by Exchange:Database:ConnectionString cannot be reached", result.Output);
        Assert.DoesNotContain("Password=unused", result.Output);
    }

    [Fact]
    public async Task A_connection_string_the_provider_cannot_read_is_refused_at_start_naming_the_setting()
    {
        await using var database = await TestDatabase.CreateAsync();
        var result = await RunAsync("Exchange.Api", database, new()
        {
            ["Exchange__Database__Provider"] = "SqlServer",
            ["Exchange__Database__ConnectionString"] = "Host=127.0.0.1;Database=exchange",
        });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Exchange:Database:ConnectionString", result.Output);
    }

    private static Task<(int ExitCode, string Output)> RunAsync(string project, TestDatabase database, Dictionary<string, string> environment) =>
        ProcessRunner.RunServiceInProductionAsync(project, database, environment);
}

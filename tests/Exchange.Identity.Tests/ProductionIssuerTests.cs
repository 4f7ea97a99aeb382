using Exchange.Testing;

namespace Exchange.Identity.Tests;

/// <summary>Starts the built Identity in Production, as an operator would.</summary>
public sealed class ProductionIssuerTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("http://identity.example")]
    public async Task Production_refuses_to_start_without_an_https_issuer(string? issuer)
    {
        await using var database = await TestDatabase.CreateAsync();
        var environment = new Dictionary<string, string>
        {
            ["Exchange__Identity__PortalClientSecret"] = "a-real-looking-production-secret",
        };
        if (issuer != null)
        {
            environment["Exchange__Identity__Issuer"] = issuer;
        }

        var (exitCode, output) = await ProcessRunner.RunServiceInProductionAsync("Exchange.Identity", database, environment);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Exchange:Identity:Issuer", output);
    }
}

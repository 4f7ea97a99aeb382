using System.Diagnostics;
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
        var host = Repository.HostAssembly("Exchange.Identity");
        var start = new ProcessStartInfo("dotnet", [host, "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = Path.GetDirectoryName(host)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Exchange__Database__Provider"] = database.Provider.ToString();
        start.Environment["Exchange__Database__ConnectionString"] = database.ConnectionString;
        start.Environment["Exchange__Identity__PortalClientSecret"] = "a-real-looking-production-secret";
        if (issuer != null)
        {
            start.Environment["Exchange__Identity__Issuer"] = issuer;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("Identity kept running in Production without an https issuer.");
        }

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("Exchange:Identity:Issuer", await stdout + await stderr);
    }
}

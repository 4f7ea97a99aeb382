using System.Diagnostics;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Testing;

namespace Exchange.Identity.Tests;

/// <summary>
/// Node's openid-client (a certified OpenID Connect relying party) and jose run discovery, client
/// credentials and an authorization code + PKCE sign-in against the built Identity on a real port.
/// </summary>
public sealed class ConformanceTests
{
    private const string AppClient = "conformance-app";
    private const string AppSecret = "conformance-app-secret-0123456789";
    private const string AppRedirect = "https://rp.example/callback";

    [Fact]
    public async Task The_openid_client_library_passes_discovery_client_credentials_and_a_code_flow_with_pkce()
    {
        await using var database = await TestDatabase.CreateAsync();
        var port = FreePorts.Next();
        var issuer = $"http://127.0.0.1:{port}";
        var host = Repository.HostAssembly("Exchange.Identity");
        // --urls: appsettings.json names the development port, which would win over ASPNETCORE_URLS.
        var start = new ProcessStartInfo("dotnet", [host, "--urls", issuer])
        {
            WorkingDirectory = Path.GetDirectoryName(host)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["Exchange__Identity__Issuer"] = issuer;
        start.Environment["Exchange__Database__Provider"] = database.Provider.ToString();
        start.Environment["Exchange__Database__ConnectionString"] = database.ConnectionString;
        start.Environment["Exchange__Database__MigrateOnStart"] = "true";
        start.Environment["Exchange__Demo__Seed"] = "true";

        using var identity = Process.Start(start)!;
        identity.StandardInput.Close();
        var serverOutput = CollectAsync(identity);
        try
        {
            await WaitUntilReadyAsync(issuer, identity);
            await using (var db = database.CreateContext())
            {
                db.OAuthClients.Add(new OAuthClient
                {
                    ClientId = AppClient,
                    DisplayName = "Conformance relying party",
                    MemberId = "operator",
                    SecretHash = SecretHasher.Hash(AppSecret),
                    AllowedGrantTypes = [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken],
                    AllowedScopes = ["openid", "profile", "email", "offline_access", Scopes.CasesRead],
                    RedirectUris = [AppRedirect],
                    FirstParty = true,
                    CreatedAt = DateTime.UtcNow,
                });
                await db.SaveChangesAsync();
            }

            var folder = Path.Combine(Repository.Root, "tests", "conformance");
            if (!Directory.Exists(Path.Combine(folder, "node_modules", "openid-client")))
            {
                var install = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], folder, new());
                Assert.True(install.ExitCode == 0, "npm ci failed:\n" + install.Output);
            }

            var result = await RunAsync("node", ["conformance.mjs"], folder, new()
            {
                ["ISSUER"] = issuer,
                ["CC_CLIENT_ID"] = DemoSeed.Clients[0].ClientId,
                ["CC_CLIENT_SECRET"] = DemoSeed.Clients[0].Secret,
                ["APP_CLIENT_ID"] = AppClient,
                ["APP_CLIENT_SECRET"] = AppSecret,
                ["APP_REDIRECT_URI"] = AppRedirect,
                ["USER_EMAIL"] = DemoSeed.Users[0].Email,
                ["USER_PASSWORD"] = DemoSeed.UserPassword,
            });

            Assert.True(result.ExitCode == 0, "openid-client conformance failed:\n" + result.Output);
            Assert.Contains("conformance: all checks passed", result.Output);
        }
        finally
        {
            if (!identity.HasExited)
            {
                identity.Kill(entireProcessTree: true);
            }

            await identity.WaitForExitAsync();
            await serverOutput;
        }
    }

    private static async Task WaitUntilReadyAsync(string baseUrl, Process process)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, "Identity stopped during start-up.");
            try
            {
                using var response = await http.GetAsync(baseUrl + "/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or still warming up (the first request on a busy machine can be slow).
            }

            await Task.Delay(500);
        }

        throw new TimeoutException("Identity did not become ready within 90 seconds.");
    }

    private static Task CollectAsync(Process process) =>
        Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());

    private static Task<(int ExitCode, string Output)> RunAsync(string command, string[] arguments, string folder, Dictionary<string, string> environment) =>
        ProcessRunner.RunToExitAsync(command, arguments, folder, environment, TimeSpan.FromMinutes(4));
}

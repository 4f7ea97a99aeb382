using System.Text.RegularExpressions;
using Exchange.Testing;

namespace Exchange.Foundation.Tests;

/// <summary>No Docker engine runs here, so the deployment files are checked by reading them.</summary>
public sealed partial class ComposeTests
{
    private static readonly string Compose = File.ReadAllText(Path.Combine(Repository.Root, "docker-compose.yml"));

    [Theory]
    [InlineData("postgres")]
    [InlineData("identity")]
    [InlineData("api")]
    [InlineData("portal")]
    [InlineData("jobs")]
    public void Compose_names_every_service(string service)
    {
        Assert.Matches(new Regex($"^  {service}:\\s*$", RegexOptions.Multiline), Compose);
    }

    [Fact]
    public void Every_dockerfile_exists_and_publishes_a_project_that_exists()
    {
        var dockerfiles = DockerfileLine().Matches(Compose).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.Equal(4, dockerfiles.Count);
        foreach (var dockerfile in dockerfiles)
        {
            var path = Path.Combine(Repository.Root, dockerfile);
            Assert.True(File.Exists(path), $"{dockerfile} is named by docker-compose.yml but does not exist");
            var project = PublishLine().Match(File.ReadAllText(path));
            Assert.True(project.Success, $"{dockerfile} publishes no project");
            Assert.True(File.Exists(Path.Combine(Repository.Root, project.Groups[1].Value)), $"{dockerfile} publishes {project.Groups[1].Value}, which does not exist");
        }
    }

    [Fact]
    public void Compose_holds_no_secret_values_only_references_to_the_environment()
    {
        Assert.DoesNotContain("dev-", Compose);
        Assert.Matches(new Regex(@"POSTGRES_PASSWORD: \$\{POSTGRES_PASSWORD:\?"), Compose);
    }

    [Fact]
    public void The_sql_server_variant_swaps_the_database_for_every_service_and_holds_no_secret()
    {
        var variant = File.ReadAllText(Path.Combine(Repository.Root, "docker-compose.sqlserver.yml"));

        Assert.Matches(new Regex(@"^  sqlserver:\s*$", RegexOptions.Multiline), variant);
        Assert.Contains("Exchange__Database__Provider: SqlServer", variant);
        foreach (var service in new[] { "migrate", "identity", "api", "portal", "jobs" })
        {
            Assert.Matches(new Regex($"^  {service}:\\s*\\n    environment:", RegexOptions.Multiline), variant);
        }

        Assert.DoesNotContain("dev-", variant);
        Assert.Matches(new Regex(@"MSSQL_SA_PASSWORD: \$\{MSSQL_SA_PASSWORD:\?"), variant);
    }

    [Fact]
    public void Every_service_gets_the_key_ring_certificate_that_production_requires()
    {
        Assert.Contains("Exchange__DataProtection__CertificatePath: /run/secrets/keyring.pfx", Compose);
        Assert.Equal(5, Regex.Matches(Compose, @"secrets: \[\{ source: keyring, target: keyring.pfx \}[,\]]").Count);
    }

    [Fact]
    public void Jobs_gets_the_audit_signing_key_that_production_requires_from_a_secret()
    {
        Assert.Contains("secrets: [{ source: keyring, target: keyring.pfx }, { source: auditkey, target: audit-signing-key.pem }]", Compose);
        Assert.Contains("Exchange__Audit__SigningKeyPath: /run/secrets/audit-signing-key.pem", Compose);
        Assert.Matches(new Regex(@"file: \$\{AUDIT_SIGNING_KEY_FILE:\?"), Compose);
    }

    [GeneratedRegex(@"dockerfile:\s*(\S+)")]
    private static partial Regex DockerfileLine();

    [GeneratedRegex(@"dotnet publish (\S+\.csproj)")]
    private static partial Regex PublishLine();

    [Fact]
    public void The_services_that_read_case_content_share_one_key_directory_outside_the_database()
    {
        Assert.Contains("Exchange__ContentKeys__Directory: /var/lib/exchange/content-keys", Compose);
        foreach (var service in new[] { "migrate", "api", "jobs" })
        {
            var block = Regex.Match(Compose, $"^  {service}:\\s*\\n((?:    .*\\n|      .*\\n)+)", RegexOptions.Multiline);
            Assert.True(block.Success, service);
            Assert.Contains("contentkeys:/var/lib/exchange/content-keys", block.Groups[1].Value);
            Assert.Contains("*content-keys", block.Groups[1].Value);
        }

        Assert.Matches(new Regex(@"^  contentkeys:\s*$", RegexOptions.Multiline), Compose);
        foreach (var dockerfile in new[] { "src/Exchange.Api/Dockerfile", "src/Exchange.Jobs/Dockerfile" })
        {
            Assert.Contains("/var/lib/exchange/content-keys", File.ReadAllText(Path.Combine(Repository.Root, dockerfile)));
        }
    }
}

using Exchange.Testing;

namespace Exchange.Foundation.Tests;

/// <summary>The build settings every project inherits, tried on a scratch project as the build would meet them.</summary>
public sealed class BuildSettingsTests
{
    [Fact]
    public async Task A_package_downgrade_fails_the_build()
    {
        // JsonWebTokens 8.23.0 depends on Tokens 8.23.0; pinning Tokens lower is a downgrade (NU1605).
        var folder = Path.Combine(Path.GetTempPath(), "exchange-tests", "downgrade-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "Directory.Build.props"),
                $"<Project><Import Project=\"{Path.Combine(Repository.Root, "Directory.Build.props")}\" /></Project>");
            await File.WriteAllTextAsync(Path.Combine(folder, "Directory.Packages.props"),
                $"<Project><Import Project=\"{Path.Combine(Repository.Root, "Directory.Packages.props")}\" /></Project>");
            await File.WriteAllTextAsync(Path.Combine(folder, "Downgrade.csproj"), """
                <Project Sdk="Microsoft.NET.Sdk">
                  <ItemGroup>
                    <PackageReference Include="Microsoft.IdentityModel.JsonWebTokens" />
                    <PackageReference Include="Microsoft.IdentityModel.Tokens" VersionOverride="8.16.0" />
                  </ItemGroup>
                </Project>
                """);

            var (exitCode, output) = await ProcessRunner.RunToExitAsync(
                "dotnet", ["restore", "-nologo"], folder, new Dictionary<string, string> { ["DOTNET_NOLOGO"] = "1" }, TimeSpan.FromMinutes(3));

            Assert.NotEqual(0, exitCode);
            Assert.Contains("NU1605", output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

using Exchange.Core.Identity;
using Exchange.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Exchange.Identity.Tests;

/// <summary>The shared helper other services' tests use to get real tokens works against a real Identity.</summary>
public sealed class TestingHelperTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    [Fact]
    public async Task The_shared_helper_gets_machine_and_user_tokens_from_identity()
    {
        string machineSecret, appSecret;
        await using (var db = fixture.Server.Database.CreateContext())
        {
            machineSecret = await IdentityTokens.AddMachineClientAsync(db, "globex-admin-system", "globex", [Roles.MemberAdmin], [Scopes.MemberAdmin]);
            appSecret = await IdentityTokens.AddUserAppClientAsync(db);
        }

        using var client = fixture.Server.CreateClient();
        using var browser = fixture.Server.CreateBrowser();
        var machine = new JsonWebToken(await IdentityTokens.ClientCredentialsAsync(client, "globex-admin-system", machineSecret));
        var user = new JsonWebToken(await IdentityTokens.UserAsync(browser, "oscar@exchange.example", Exchange.Core.Data.DemoSeed.UserPassword, "operator", "test-user-app", appSecret));

        Assert.Equal("globex", machine.GetClaim("member_id").Value);
        Assert.Equal(Roles.MemberAdmin, machine.GetClaim("role").Value);
        Assert.Equal("operator", user.GetClaim("member_id").Value);
        Assert.Equal("operator", user.GetClaim("scope").Value);
    }
}

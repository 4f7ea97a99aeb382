using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Exchange.Core.Identity;
using Exchange.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Api.Tests;

/// <summary>Counts the queries on Identity's token table that run inside an API request.</summary>
public sealed class TokenTableQueries(IHttpContextAccessor http) : DbCommandInterceptor
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        // The revocation set's reload runs outside any request; only per-request lookups count.
        if (http.HttpContext != null && command.CommandText.Contains("openiddict_tokens", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _count);
        }

        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }
}

public sealed class RevocationFixture : ApiFixture
{
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);

    protected override IDictionary<string, string?> ServiceSettings =>
        new Dictionary<string, string?>(base.ServiceSettings) { ["Exchange:Auth:RevocationRefresh"] = "00:00:01" };

    protected override void ConfigureService(IServiceCollection services, HttpMessageHandler identity)
    {
        base.ConfigureService(services, identity);
        services.AddHttpContextAccessor();
        services.AddSingleton<TokenTableQueries>();
        services.AddSingleton<IInterceptor>(sp => sp.GetRequiredService<TokenTableQueries>());
    }
}

/// <summary>
/// Revoked access tokens are refused before they expire, from the revocation set every API node keeps
/// in memory (issue 13): no query on the token table per request, and refused within the refresh.
/// </summary>
public sealed class RevocationTests(RevocationFixture hosts) : IClassFixture<RevocationFixture>
{
    private const string Probe = "/api/v1/field-catalogue";

    [Fact]
    public async Task A_token_revoked_at_identity_is_refused_within_the_refresh_and_no_request_queries_the_token_table()
    {
        string secret;
        await using (var db = hosts.Database.CreateContext())
        {
            secret = await IdentityTokens.AddMachineClientAsync(db, "acme-revoking-crm", "acme", [Roles.Engineer], [Scopes.CasesRead]);
        }

        using var identity = hosts.Identity.CreateClient();
        var token = await IdentityTokens.ClientCredentialsAsync(identity, "acme-revoking-crm", secret);
        using var api = hosts.ServiceClient(token);
        var queries = hosts.Service.Services.GetRequiredService<TokenTableQueries>();
        await hosts.Service.Services.GetRequiredService<RevokedAccessTokens>().LoadAsync(CancellationToken.None);
        var before = queries.Count;
        for (var i = 0; i < 20; i++)
        {
            using var ok = await api.GetAsync(Probe);
            await ok.ExpectAsync(HttpStatusCode.OK);
        }

        Assert.Equal(before, queries.Count);

        using var revoke = new HttpRequestMessage(HttpMethod.Post, "/connect/revocation")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token, ["token_type_hint"] = "access_token" }),
        };
        revoke.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("acme-revoking-crm:" + Uri.EscapeDataString(secret))));
        using (var revoked = await identity.SendAsync(revoke))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        // Refused within the documented bound: one refresh, plus a load and a loaded machine's slack.
        var clock = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            using var response = await api.GetAsync(Probe);
            status = response.StatusCode;
            if (status == HttpStatusCode.Unauthorized)
            {
                Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
                break;
            }

            await Task.Delay(50);
        }
        while (clock.Elapsed < RevocationFixture.Refresh * 10);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(before, queries.Count);
    }
}

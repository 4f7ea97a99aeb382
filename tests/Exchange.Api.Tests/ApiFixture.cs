using Exchange.Api;
using Exchange.Core.Agreements;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Core.Members;
using Exchange.Identity;
using Exchange.Testing;

namespace Exchange.Api.Tests;

/// <summary>Who calls in these tests: each a client-credentials client of Identity with its own member, roles and scopes.</summary>
public sealed record TestClient(string ClientId, string Secret, string MemberId);

/// <summary>Identity and Api on one database with the demo seed plus the clients every API test class uses.</summary>
public class ApiFixture : IdentityBackedHosts<IdentityHost, ApiHost>
{
    public static readonly TestClient Acme = new("acme-crm", "dev-acme-crm-secret", "acme");
    public static readonly TestClient Globex = new("globex-crm", "dev-globex-crm-secret", "globex");
    public static readonly TestClient Initech = new("initech-crm", "dev-initech-crm-secret", "initech");
    public static readonly TestClient AcmeAdmin = new("acme-admin-tool", "test-acme-admin-secret-0123456789", "acme");
    public static readonly TestClient GlobexAdmin = new("globex-admin-tool", "test-globex-admin-secret-0123456789", "globex");
    public static readonly TestClient Legal = new("exchange-legal-tool", "test-legal-secret-0123456789", Member.OperatorId);
    public static readonly TestClient Operator = new("exchange-ops-tool", "test-ops-secret-0123456789", Member.OperatorId);
    /// <summary>An acme engineer client without any case scope.</summary>
    public static readonly TestClient AcmeNoCases = new("acme-agreements-only", "test-acme-narrow-secret-0123456789", "acme");

    protected override async Task SeedAsync(ExchangeDbContext db)
    {
        AddClient(db, AcmeAdmin, [Roles.MemberAdmin], [Scopes.CasesRead, Scopes.MemberAdmin, Scopes.AgreementsRead]);
        AddClient(db, GlobexAdmin, [Roles.MemberAdmin], [Scopes.CasesRead, Scopes.MemberAdmin, Scopes.AgreementsRead]);
        AddClient(db, Legal, [Roles.LegalAdmin], [Scopes.AgreementsRead, Scopes.AgreementsWrite]);
        AddClient(db, Operator, [Roles.Operator], [Scopes.Operator, Scopes.AgreementsRead]);
        AddClient(db, AcmeNoCases, [Roles.Engineer], [Scopes.AgreementsRead]);
        await db.SaveChangesAsync();
        await SeedMoreAsync(db);
        await db.SaveChangesAsync();
    }

    /// <summary>Members, agreements and clients a particular test class needs.</summary>
    protected virtual Task SeedMoreAsync(ExchangeDbContext db) => Task.CompletedTask;

    public Task<HttpClient> ClientAsync(TestClient client, string? scope = null) =>
        TokenAsync(client.ClientId, client.Secret, scope).ContinueWith(t => ServiceClient(t.Result), TaskScheduler.Default);

    public HttpClient Anonymous() => ServiceClient();

    public static void AddClient(ExchangeDbContext db, TestClient client, List<string> roles, List<string> scopes) =>
        db.OAuthClients.Add(new OAuthClient
        {
            ClientId = client.ClientId,
            DisplayName = client.ClientId,
            MemberId = client.MemberId,
            Type = ClientType.Confidential,
            SecretHash = SecretHasher.Hash(client.Secret),
            AllowedGrantTypes = [GrantTypes.ClientCredentials],
            AllowedScopes = scopes,
            Roles = roles,
            CreatedAt = DateTime.UtcNow,
        });

    public static TestClient AddMemberWithClient(ExchangeDbContext db, string memberId, string region, IntakePolicy? policy = null, TimeSpan? retention = null)
    {
        db.Members.Add(new Member
        {
            Id = memberId,
            LegalName = memberId + " Ltd",
            Region = region,
            IntakePolicy = policy ?? DefaultPolicy(),
            Retention = retention,
            CreatedAt = DateTime.UtcNow,
        });
        var client = new TestClient(memberId + "-crm", "test-secret-" + memberId + "-0123456789", memberId);
        AddClient(db, client, [Roles.Engineer], [Scopes.CasesRead, Scopes.CasesWrite, Scopes.AuthorisationsWrite, Scopes.AgreementsRead]);
        return client;
    }

    public static IntakePolicy DefaultPolicy(FreeTextPersonalDataPolicy freeText = FreeTextPersonalDataPolicy.Redact) => new()
    {
        RequiredFields = [FieldCatalogue.Summary, FieldCatalogue.Product],
        AcceptedFields = FieldCatalogue.All.Where(f => f.Category != DataCategory.Special).Select(f => f.Name).ToList(),
        FreeTextPersonalData = freeText,
        ResponseTargets = new() { [1] = TimeSpan.FromHours(4), [2] = TimeSpan.FromDays(1), [3] = TimeSpan.FromDays(3), [4] = TimeSpan.FromDays(5) },
    };

    public static Agreement AddAgreement(
        ExchangeDbContext db, AgreementKind kind, string[] parties, DataCategory[] categories, string[] regions,
        AgreementStatus status = AgreementStatus.InForce, DateTime? effectiveFrom = null, DateTime? expiresAt = null)
    {
        var now = DateTime.UtcNow;
        var agreement = new Agreement
        {
            Kind = kind,
            DocumentReference = "test/" + string.Join("-", parties),
            DocumentSha256 = new string('a', 64),
            Version = "1",
            EffectiveFrom = effectiveFrom ?? now.AddDays(-1),
            ExpiresAt = expiresAt ?? now.AddYears(1),
            Status = status,
            PermittedCategories = [.. categories],
            PermittedRegions = [.. regions],
            CreatedAt = now,
        };
        var all = kind == AgreementKind.Framework ? [.. parties, Member.OperatorId] : parties;
        agreement.Parties.AddRange(all.Select(p => new AgreementParty { AgreementId = agreement.Id, PartyId = p, SignerName = "Signer", SignerRole = "Director", SignedAt = now.AddDays(-1) }));
        db.Agreements.Add(agreement);
        return agreement;
    }
}

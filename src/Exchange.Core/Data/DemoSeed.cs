using Exchange.Core.Agreements;
using Exchange.Core.Cases;
using Exchange.Core.Identity;
using Exchange.Core.Members;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Core.Data;

/// <summary>
/// The demo data the README documents. Development only: <see cref="Hosting.ExchangeHost"/> refuses
/// it in Production. Idempotent: each row is added only when missing, so a restart keeps prior data.
/// </summary>
public static class DemoSeed
{
    public const string UserPassword = "Demo-Passw0rd!";

    public static readonly IReadOnlyList<(string ClientId, string MemberId, string Secret)> Clients =
    [
        ("acme-crm", "acme", "dev-acme-crm-secret"),
        ("globex-crm", "globex", "dev-globex-crm-secret"),
        ("initech-crm", "initech", "dev-initech-crm-secret"),
    ];

    public static readonly IReadOnlyList<(string Email, string Name, string MemberId, string Role)> Users =
    [
        ("alice@acme.example", "Alice Archer", "acme", Roles.Engineer),
        ("adam@acme.example", "Adam Abbott", "acme", Roles.MemberAdmin),
        ("gina@globex.example", "Gina Gale", "globex", Roles.Engineer),
        ("greg@globex.example", "Greg Gordon", "globex", Roles.MemberAdmin),
        ("ivan@initech.example", "Ivan Irwin", "initech", Roles.Engineer),
        ("irene@initech.example", "Irene Ives", "initech", Roles.MemberAdmin),
        ("paula@acme.example", "Paula Park", "acme", Roles.PrivacyOfficer),
        ("petra@globex.example", "Petra Pohl", "globex", Roles.PrivacyOfficer),
        ("pavel@initech.example", "Pavel Prus", "initech", Roles.PrivacyOfficer),
        ("lena@exchange.example", "Lena Lind", Member.OperatorId, Roles.LegalAdmin),
        ("piet@exchange.example", "Piet Prins", Member.OperatorId, Roles.PrivacyOfficer),
        ("oscar@exchange.example", "Oscar Olsen", Member.OperatorId, Roles.Operator),
        ("olga@exchange.example", "Olga Okafor", Member.OperatorId, Roles.OperatorAdmin),
    ];

    /// <param name="jobsDashboardRedirectUri">Where the demo's Jobs service receives the dashboard sign-in; the demo port's when null.</param>
    public static async Task SeedAsync(ExchangeDbContext db, TimeProvider clock, CancellationToken cancellationToken = default, string? jobsDashboardRedirectUri = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;

        var existingMembers = await db.Members.Select(m => m.Id).ToListAsync(cancellationToken);
        foreach (var member in DemoMembers(now).Where(m => !existingMembers.Contains(m.Id)))
        {
            db.Members.Add(member);
        }

        foreach (var memberId in new[] { "acme", "globex" })
        {
            var hasFramework = await db.Agreements.AnyAsync(
                a => a.Kind == AgreementKind.Framework && a.Parties.Any(p => p.PartyId == memberId), cancellationToken);
            if (!hasFramework)
            {
                db.Agreements.Add(FrameworkAgreement(memberId, now));
            }
        }

        var existingRoles = await db.Roles.Select(r => r.Name).ToListAsync(cancellationToken);
        foreach (var role in Roles.All.Where(r => !existingRoles.Contains(r)))
        {
            db.Roles.Add(new IdentityRole<Guid> { Id = Guid.CreateVersion7(), Name = role, NormalizedName = role.ToUpperInvariant(), ConcurrencyStamp = Guid.NewGuid().ToString() });
        }

        await db.SaveChangesAsync(cancellationToken);

        var roleIds = await db.Roles.ToDictionaryAsync(r => r.Name!, r => r.Id, cancellationToken);
        var hasher = new PasswordHasher<ExchangeUser>();
        var existingUsers = await db.Users.Select(u => u.NormalizedEmail).ToListAsync(cancellationToken);
        foreach (var (email, name, memberId, role) in Users.Where(u => !existingUsers.Contains(u.Email.ToUpperInvariant())))
        {
            var user = new ExchangeUser
            {
                Id = Guid.CreateVersion7(),
                UserName = email,
                NormalizedUserName = email.ToUpperInvariant(),
                Email = email,
                NormalizedEmail = email.ToUpperInvariant(),
                EmailConfirmed = true,
                DisplayName = name,
                MemberId = memberId,
                SecurityStamp = Guid.NewGuid().ToString("N"),
                ConcurrencyStamp = Guid.NewGuid().ToString(),
                LockoutEnabled = true,
                CreatedAt = now,
            };
            user.PasswordHash = hasher.HashPassword(user, UserPassword);
            db.Users.Add(user);
            db.UserRoles.Add(new IdentityUserRole<Guid> { UserId = user.Id, RoleId = roleIds[role] });
        }

        var existingClients = await db.OAuthClients.Select(c => c.ClientId).ToListAsync(cancellationToken);
        foreach (var (clientId, memberId, secret) in Clients.Where(c => !existingClients.Contains(c.ClientId)))
        {
            db.OAuthClients.Add(new OAuthClient
            {
                ClientId = clientId,
                DisplayName = $"{memberId} CRM",
                MemberId = memberId,
                Type = ClientType.Confidential,
                SecretHash = SecretHasher.Hash(secret),
                AllowedGrantTypes = [GrantTypes.ClientCredentials],
                AllowedScopes = [Scopes.CasesRead, Scopes.CasesWrite, Scopes.AuthorisationsWrite, Scopes.AgreementsRead, Scopes.WebhooksManage],
                Roles = [Roles.Engineer],
                CreatedAt = now,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
        await JobsDashboardClient.RegisterAsync(db, JobsDashboardClient.DevelopmentSecret,
            jobsDashboardRedirectUri ?? JobsDashboardClient.DevelopmentRedirectUri, null, now, cancellationToken);
    }

    private static IEnumerable<Member> DemoMembers(DateTime now)
    {
        var targets = new Dictionary<int, TimeSpan>
        {
            [1] = TimeSpan.FromHours(4),
            [2] = TimeSpan.FromDays(1),
            [3] = TimeSpan.FromDays(3),
            [4] = TimeSpan.FromDays(5),
        };
        IntakePolicy Policy() => new()
        {
            RequiredFields = [FieldCatalogue.Summary, FieldCatalogue.Product],
            AcceptedFields =
            [
                FieldCatalogue.Summary, FieldCatalogue.Description, FieldCatalogue.Product, FieldCatalogue.ProductVersion,
                FieldCatalogue.ErrorCode, FieldCatalogue.LogExcerpt, FieldCatalogue.CustomerOrganisation,
                FieldCatalogue.CustomerContactName, FieldCatalogue.CustomerContactEmail,
            ],
            FreeTextPersonalData = FreeTextPersonalDataPolicy.Redact,
            ResponseTargets = new Dictionary<int, TimeSpan>(targets),
        };

        yield return new Member { Id = "acme", LegalName = "Acme Software Ltd", Region = "EU", SupportContact = "support@acme.example", EscalationContact = "escalations@acme.example", IntakePolicy = Policy(), CreatedAt = now };
        yield return new Member { Id = "globex", LegalName = "Globex Hardware GmbH", Region = "EU", SupportContact = "support@globex.example", EscalationContact = "escalations@globex.example", IntakePolicy = Policy(), CreatedAt = now };
        yield return new Member { Id = "initech", LegalName = "Initech Inc.", Region = "US", SupportContact = "support@initech.example", EscalationContact = "escalations@initech.example", IntakePolicy = Policy(), CreatedAt = now };
    }

    private static Agreement FrameworkAgreement(string memberId, DateTime now)
    {
        var agreement = new Agreement
        {
            Kind = AgreementKind.Framework,
            DocumentReference = $"framework/2026/{memberId}.pdf",
            DocumentSha256 = SecretHasher.Hash($"demo framework agreement {memberId}"),
            Version = "2026.1",
            EffectiveFrom = now.AddDays(-1),
            ExpiresAt = now.AddYears(1),
            Status = AgreementStatus.InForce,
            PermittedCategories = [DataCategory.Technical, DataCategory.Organisation, DataCategory.Contact],
            PermittedRegions = ["EU", "UK"],
            CreatedAt = now,
        };
        agreement.Parties.Add(new AgreementParty { AgreementId = agreement.Id, PartyId = memberId, SignerName = "Demo Signatory", SignerRole = "Director", SignedAt = now.AddDays(-1) });
        agreement.Parties.Add(new AgreementParty { AgreementId = agreement.Id, PartyId = Member.OperatorId, SignerName = "Lena Lind", SignerRole = "Legal admin", SignedAt = now.AddDays(-1) });
        return agreement;
    }
}

using Exchange.Testing;
using Exchange.Core.Authorisations;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Exchange.Core.Members;
using Exchange.Core.Webhooks;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Jobs.Tests;

/// <summary>Members, authorisations and cases written straight through the DbContext, for jobs that need no API.</summary>
internal static class TestData
{
    public static async Task<Guid> MembersAndAuthorisationAsync(ExchangeDbContext db, TimeSpan? acmeRetention = null, TimeSpan? globexRetention = null)
    {
        var now = DateTime.UtcNow;
        foreach (var (id, retention) in new[] { ("acme", acmeRetention), ("globex", globexRetention), ("initech", (TimeSpan?)null) })
        {
            if (!await db.Members.AnyAsync(m => m.Id == id))
            {
                db.Members.Add(new Member { Id = id, LegalName = id + " Ltd", Region = "EU", Retention = retention, CreatedAt = now });
            }
        }

        var authorisation = new CustomerAuthorisation
        {
            SubmittingMemberId = "acme",
            CustomerOrganisation = "Umbrella Corp",
            AuthorisedByName = "Ursula Umbra",
            ReceivingMemberIds = ["globex"],
            Purpose = "Diagnose the printer fault",
            EvidenceReference = "TICKET-1",
            DataCategories = [DataCategory.Technical, DataCategory.Organisation, DataCategory.Contact],
            CreatedAt = now,
            ExpiresAt = now.AddDays(30),
        };
        db.CustomerAuthorisations.Add(authorisation);
        await db.SaveChangesAsync();
        return authorisation.Id;
    }

    /// <summary>The strings a purge must remove, unique per case through <paramref name="tag"/>.</summary>
    public static string[] PurgedStrings(string tag) =>
    [
        $"Description of the fault {tag} with details",
        $"contact.{tag}@customer.example",
        $"Log excerpt {tag} stack trace",
        $"Note body {tag} from the receiver",
    ];

    public static CollaborationCase Case(Guid authorisationId, string tag, CaseStatus status, DateTime now, DateTime? purgeDueAt, string from = "acme", string to = "globex")
    {
        var id = Guid.CreateVersion7();
        var purged = PurgedStrings(tag);
        return new CollaborationCase
        {
            Id = id,
            SubmittingMemberId = from,
            ReceivingMemberId = to,
            CustomerAuthorisationId = authorisationId,
            Severity = 2,
            Status = status,
            SubmitterCaseReference = "ACME-" + tag,
            ReceiverCaseReference = "GLX-" + tag,
            OpenedBy = "user-" + tag,
            OpenedByInitials = "AA",
            ReceiverInitials = "GG",
            StepsTaken = "Replaced the driver " + tag,
            Conclusion = "Firmware bug " + tag,
            CreatedAt = now.AddHours(-2),
            UpdatedAt = now.AddHours(-1),
            ConcludedAt = CasePurger.IsConcluded(status) ? now.AddMinutes(-30) : null,
            PurgeDueAt = purgeDueAt,
            Fields =
            [
                new CaseField { CaseId = id, Name = FieldCatalogue.Summary, Category = DataCategory.Technical, Value = "Printer jams " + tag },
                new CaseField { CaseId = id, Name = FieldCatalogue.CustomerOrganisation, Category = DataCategory.Organisation, Value = "Umbrella " + tag },
                new CaseField { CaseId = id, Name = FieldCatalogue.Description, Category = DataCategory.Technical, Value = purged[0] },
                new CaseField { CaseId = id, Name = FieldCatalogue.CustomerContactEmail, Category = DataCategory.Contact, Value = purged[1] },
                new CaseField { CaseId = id, Name = FieldCatalogue.LogExcerpt, Category = DataCategory.Technical, Value = purged[2] },
            ],
            WithheldFields = [new WithheldField { CaseId = id, Name = FieldCatalogue.CustomerContactPhone, Reason = "not_accepted" }],
            Notes =
            [
                new CaseNote { CaseId = id, AuthorMemberId = to, AuthorId = "user-g", AuthorInitials = "GG", Body = purged[3], CreatedAt = now.AddMinutes(-50) },
                new CaseNote { CaseId = id, AuthorMemberId = from, AuthorId = "user-a", AuthorInitials = "AA", Body = "Second note " + tag, CreatedAt = now.AddMinutes(-40) },
            ],
        };
    }

    /// <summary>A subscription as the API stores it: the secret encrypted with the services' shared data protection keys.</summary>
    public static WebhookSubscription Subscription(IServiceProvider services, string memberId, Uri url, string secret, params string[] eventTypes) => new()
    {
        MemberId = memberId,
        Url = url.ToString(),
        EventTypes = eventTypes.ToList(),
        ProtectedSecret = new WebhookSecret(services.GetRequiredService<IDataProtectionProvider>()).Protect(secret),
        CreatedAt = DateTime.UtcNow,
    };

    /// <summary>Polls until done or the timeout; a timeout names what was awaited and, when given, what the service printed last.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what, ServiceProcess? service = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}; last value: {value}{(service is null ? "" : "\n" + service.LastLines)}");
            }

            await Task.Delay(100);
        }
    }
}

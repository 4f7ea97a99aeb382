using Exchange.Api.Auth;
using Exchange.Api.Http;
using Exchange.Api.OpenApi;
using Exchange.Core.Agreements;
using Exchange.Core.Audit;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Exchange.Core.Members;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Exchange.Api.Features.Privacy;

public sealed record RecipientDto(string MemberId, string LegalName, string Region);

public sealed record LegalBasisDto(
    Guid AgreementId, AgreementKind Kind, string DocumentReference, string Version, DateTime EffectiveFrom, DateTime ExpiresAt,
    IReadOnlyList<DataCategory> PermittedCategories, IReadOnlyList<string> PermittedRegions);

/// <summary>One member's record of processing (GDPR article 30), as the exchange's live configuration and data say it is.</summary>
public sealed record ProcessingRecordDto(
    string MemberId, string LegalName, string Region, IReadOnlyList<string> Purposes,
    IReadOnlyList<DataCategory> CategoriesShared, IReadOnlyList<DataCategory> CategoriesReceived, IReadOnlyList<string> FieldsAccepted,
    IReadOnlyList<RecipientDto> Recipients, IReadOnlyList<RecipientDto> Sources, IReadOnlyList<string> TransferRegions,
    TimeSpan Retention, IReadOnlyList<LegalBasisDto> LegalBasis, IReadOnlyList<string> SecurityMeasures,
    int LiveCases, int PurgedCases, int Authorisations, string Notice);

public sealed record RecordsOfProcessingDto(DateTime GeneratedAt, IReadOnlyList<ProcessingRecordDto> Records);

/// <summary>
/// Records of processing (rule 7, second half), generated on each call from the members, agreements,
/// authorisations and cases as they are: never written by hand. Includes the short notice a member
/// can link from its own privacy policy (the right to be informed).
/// </summary>
public static class RecordsOfProcessingEndpoints
{
    public const string Purpose = "Cross-vendor technical support: diagnosing a shared customer's fault together with another vendor, under the exchange's agreements and the customer's authorisation.";

    public static IEndpointRouteBuilder MapRecordsOfProcessingEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/records-of-processing", Get).WithTags("Privacy").RequireAuthorization(ApiPolicies.Privacy)
            .Describe("getRecordsOfProcessing", "Records of processing",
                "The member's records of processing from the live configuration and data: purposes, categories shared and received, recipient members, transfers by region, retention, the agreements that are the legal basis, security measures, and a short notice for the member's own privacy policy. `format=json` or `csv`. The operator's privacy officer may name any member or leave it out for all.");
        return app;
    }

    private static readonly string[] CsvHeader = ["memberId", "section", "item", "detail"];

    private static async Task<Results<Ok<RecordsOfProcessingDto>, FileContentHttpResult, ValidationProblem>> Get(
        string? memberId, string? format, Caller caller, ExchangeDbContext db, AuditLog audit, TimeProvider clock,
        IOptions<RetentionOptions> retention, CancellationToken cancellationToken)
    {
        format ??= "json";
        if (format is not ("json" or "csv"))
        {
            return Problems.Invalid("format", "Must be json or csv.");
        }

        if (!caller.IsOperator && memberId is not null && memberId != caller.MemberId)
        {
            return Problems.Invalid("memberId", "A member's privacy officer reads its own member's records; leave it out.");
        }

        var wanted = caller.IsOperator ? memberId : caller.MemberId;
        var members = await db.Members.AsNoTracking().Where(m => m.Id != Member.OperatorId && (wanted == null || m.Id == wanted)).OrderBy(m => m.Id).ToListAsync(cancellationToken);
        if (wanted is not null && members.Count == 0)
        {
            return Problems.Invalid("memberId", "No such member.");
        }

        var directory = await db.Members.AsNoTracking().ToDictionaryAsync(m => m.Id, cancellationToken);
        var now = clock.UtcNowStored();
        var agreements = await db.Agreements.AsNoTracking().Include(a => a.Parties).Where(a => a.Status == AgreementStatus.InForce).ToListAsync(cancellationToken);
        var records = new List<ProcessingRecordDto>();
        foreach (var member in members)
        {
            records.Add(await RecordAsync(db, member, directory, agreements, retention.Value.Default, now, cancellationToken));
        }

        await using (var transaction = await audit.BeginAsync(cancellationToken))
        {
            await audit.AppendAsync(caller.Actor, "records_of_processing.read", "member", wanted, details: new { format, members = members.Select(m => m.Id) }, cancellationToken: cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var result = new RecordsOfProcessingDto(now, records);
        if (format == "json")
        {
            return TypedResults.Ok(result);
        }

        return TypedResults.File(Csv.Write(CsvHeader, records.SelectMany(CsvRows)), "text/csv; charset=utf-8", "records-of-processing.csv");
    }

    private static async Task<ProcessingRecordDto> RecordAsync(
        ExchangeDbContext db, Member member, Dictionary<string, Member> directory, List<Agreement> agreements, TimeSpan defaultRetention, DateTime now,
        CancellationToken cancellationToken)
    {
        var id = member.Id;
        // Categories are stored beside each field in clear (only values are encrypted), so no case is opened here.
        var shared = await db.CaseFields.AsNoTracking().Where(f => db.Cases.Any(c => c.Id == f.CaseId && c.SubmittingMemberId == id))
            .Select(f => f.Category).Distinct().ToListAsync(cancellationToken);
        var received = await db.CaseFields.AsNoTracking().Where(f => db.Cases.Any(c => c.Id == f.CaseId && c.ReceivingMemberId == id))
            .Select(f => f.Category).Distinct().ToListAsync(cancellationToken);
        var sentTo = await db.Cases.AsNoTracking().Where(c => c.SubmittingMemberId == id).Select(c => c.ReceivingMemberId).Distinct().ToListAsync(cancellationToken);
        sentTo.AddRange(await db.Tombstones.AsNoTracking().Where(t => t.SubmittingMemberId == id).Select(t => t.ReceivingMemberId).Distinct().ToListAsync(cancellationToken));
        var authorisations = await db.CustomerAuthorisations.AsNoTracking().Where(a => a.SubmittingMemberId == id)
            .Select(a => new { a.ReceivingMemberIds, a.WithdrawnAt, a.ExpiresAt, a.DataCategories }).ToListAsync(cancellationToken);
        // Members named by an authorisation still in force are recipients too: the customer agreed they may receive.
        sentTo.AddRange(authorisations.Where(a => a.WithdrawnAt == null && a.ExpiresAt > now).SelectMany(a => a.ReceivingMemberIds));
        var receivedFrom = await db.Cases.AsNoTracking().Where(c => c.ReceivingMemberId == id).Select(c => c.SubmittingMemberId).Distinct().ToListAsync(cancellationToken);
        receivedFrom.AddRange(await db.Tombstones.AsNoTracking().Where(t => t.ReceivingMemberId == id).Select(t => t.SubmittingMemberId).Distinct().ToListAsync(cancellationToken));

        RecipientDto Recipient(string memberId) => directory.TryGetValue(memberId, out var m) ? new RecipientDto(m.Id, m.LegalName, m.Region) : new RecipientDto(memberId, memberId, "unknown");
        var recipients = sentTo.Where(r => r != id).Distinct().Order(StringComparer.Ordinal).Select(Recipient).ToList();
        var sources = receivedFrom.Where(r => r != id).Distinct().Order(StringComparer.Ordinal).Select(Recipient).ToList();
        var basis = agreements.Where(a => a.IsInForceAt(now) && a.Parties.Any(p => p.PartyId == id))
            .OrderBy(a => a.EffectiveFrom)
            .Select(a => new LegalBasisDto(a.Id, a.Kind, a.DocumentReference, a.Version, a.EffectiveFrom, a.ExpiresAt, a.PermittedCategories, a.PermittedRegions))
            .ToList();
        var liveCases = await db.Cases.CountAsync(c => c.SubmittingMemberId == id || c.ReceivingMemberId == id, cancellationToken);
        var purgedCases = await db.Tombstones.CountAsync(t => t.SubmittingMemberId == id || t.ReceivingMemberId == id, cancellationToken);
        var memberRetention = member.Retention ?? defaultRetention;
        var accepted = member.IntakePolicy.AcceptedFields.Order(StringComparer.Ordinal).ToList();
        var categoriesShared = shared.Union(authorisations.SelectMany(a => a.DataCategories)).Distinct().Order().ToList();
        var regions = recipients.Select(r => r.Region).Distinct().Order(StringComparer.Ordinal).ToList();

        var measures = new List<string>
        {
            "Need-to-know: only the two members of a case see it; operator staff see metadata only, and content only within a data-subject request or breach assessment, audited with its id.",
            "Case content encrypted per case (AES-256-GCM data key per case, wrapped by key-encryption keys kept outside the database and rotated daily); a purge deletes the data key (crypto-shredding).",
            "Agreement, customer authorisation and transfer gates before anything is shared; minimisation to the receiver's intake policy, the agreement and the authorisation.",
            $"Free text screened for personal data before it reaches this member: {(member.IntakePolicy.FreeTextPersonalData == FreeTextPersonalDataPolicy.Redact ? "redacted" : "refused")}.",
            $"Concluded cases purged after {IsoDurationConverter.Format(memberRetention)} (the shorter of the two members' retentions), leaving a tombstone without personal data.",
            "Every read and change of case data in a hash-chained, append-only audit log holding ids only.",
            "OAuth 2.0 access tokens with scopes and roles; revocation honoured before expiry; webhooks signed (HMAC-SHA256).",
        };

        var notice = $"{member.LegalName} uses the support collaboration exchange to work with other vendors on faults that affect products of several vendors. " +
            $"When you authorise it, we share the details of your support case needed to diagnose the fault ({string.Join(", ", categoriesShared.Select(CategoryName))} data) " +
            (recipients.Count == 0 ? "with no other vendor yet" : $"with {string.Join(", ", recipients.Select(r => $"{r.LegalName} ({r.Region})"))}") +
            $", under the exchange's agreements. Case data is deleted {IsoDurationConverter.Format(memberRetention)} after the case is concluded, or at once when you withdraw your authorisation. " +
            "You may ask us for access to, correction, restriction or erasure of your data, or object to its processing, at any time.";

        return new ProcessingRecordDto(member.Id, member.LegalName, member.Region, [Purpose], categoriesShared, received.Order().ToList(), accepted,
            recipients, sources, regions, memberRetention, basis, measures, liveCases, purgedCases, authorisations.Count, notice);
    }

    private static string CategoryName(DataCategory category) => category.ToString().ToLowerInvariant();

    private static IEnumerable<string?[]> CsvRows(ProcessingRecordDto r)
    {
        yield return [r.MemberId, "controller", r.LegalName, r.Region];
        foreach (var purpose in r.Purposes)
        {
            yield return [r.MemberId, "purpose", purpose, null];
        }

        foreach (var category in r.CategoriesShared)
        {
            yield return [r.MemberId, "category_shared", CategoryName(category), null];
        }

        foreach (var category in r.CategoriesReceived)
        {
            yield return [r.MemberId, "category_received", CategoryName(category), null];
        }

        foreach (var recipient in r.Recipients)
        {
            yield return [r.MemberId, "recipient", recipient.MemberId, recipient.LegalName];
        }

        foreach (var source in r.Sources)
        {
            yield return [r.MemberId, "source", source.MemberId, source.LegalName];
        }

        foreach (var region in r.TransferRegions)
        {
            yield return [r.MemberId, "transfer_region", region, null];
        }

        yield return [r.MemberId, "retention", IsoDurationConverter.Format(r.Retention), null];
        foreach (var basis in r.LegalBasis)
        {
            yield return [r.MemberId, "legal_basis", basis.AgreementId.ToString(), $"{basis.Kind.ToString().ToLowerInvariant()} {basis.DocumentReference} v{basis.Version}"];
        }

        foreach (var measure in r.SecurityMeasures)
        {
            yield return [r.MemberId, "security_measure", measure, null];
        }

        yield return [r.MemberId, "notice", r.Notice, null];
    }
}

using Exchange.Core.Content;
using Exchange.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Core.Cases;

/// <summary>
/// Triage of a member's inbox and outbox, in one place: whose move a case's state expects ("waiting
/// on you"), and what a search of the list covers (decision 0210). Case content is ciphertext in the
/// database, so a search never reads every case: a reference is found through the blind index
/// (exact match, normalised), a summary only among a bounded number of the caller's open cases.
/// </summary>
public static class CaseTriage
{
    /// <summary>How many of the caller's newest open cases a summary search reads (and decrypts) at most.</summary>
    public const int SummarySearchBound = 500;

    /// <summary>The shortest summary search term: one or two letters would match nearly everything.</summary>
    public const int MinimumSummaryTerm = 3;

    private static readonly CaseStatus[] OpenStates = [CaseStatus.Submitted, CaseStatus.InformationRequested, CaseStatus.Accepted];

    /// <summary>
    /// The side whose move a state expects: the receiver answers a submitted case and works an
    /// accepted one, the submitter answers the receiver's question; nobody once a case is concluded.
    /// </summary>
    public static CaseSide? NextMoveBy(CaseStatus status) => status switch
    {
        CaseStatus.Submitted or CaseStatus.Accepted => CaseSide.Receiver,
        CaseStatus.InformationRequested => CaseSide.Submitter,
        _ => null,
    };

    /// <summary>Whether the case waits on <paramref name="memberId"/>'s next move.</summary>
    public static bool WaitingOn(CaseStatus status, string submittingMemberId, string receivingMemberId, string? memberId) =>
        memberId is not null && NextMoveBy(status) switch
        {
            CaseSide.Receiver => receivingMemberId == memberId,
            CaseSide.Submitter => submittingMemberId == memberId,
            _ => false,
        };

    /// <summary>A case reference as the blind index holds it: trimmed, inner white space as one space, upper case.</summary>
    public static string? ReferenceTerm(string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            return null;
        }

        var normalised = string.Join(' ', reference.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
        return normalised.Length is > 0 and <= 200 ? "ref:" + normalised : null;
    }

    /// <summary>
    /// The ids among <paramref name="box"/> (already filtered by need-to-know) that a search term
    /// finds: the case id itself, a submitter's or receiver's case reference equal to the term
    /// (through the blind index, whatever the case's state), or a summary containing it among the
    /// <see cref="SummarySearchBound"/> newest open cases of the box. Bounded work per call.
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> SearchAsync(
        ExchangeDbContext db, CaseAccess access, IQueryable<CollaborationCase> box, string term, CancellationToken cancellationToken = default)
    {
        var found = new HashSet<Guid>();
        if (Guid.TryParse(term, out var id))
        {
            found.Add(id);
        }

        // References and summaries are content: operator staff's metadata view finds a case by id only.
        if (!access.MetadataOnly && ReferenceTerm(term) is { } reference)
        {
            found.UnionWith(await BlindIndex.FindTermAsync(db, reference, cancellationToken));
        }

        if (!access.MetadataOnly && term.Trim().Length >= MinimumSummaryTerm)
        {
            found.UnionWith(await SummaryMatchesAsync(db, access, box, term.Trim(), cancellationToken));
        }

        if (found.Count == 0)
        {
            return [];
        }

        // Only what the caller's box holds: blind-index hits of other members' cases drop out here.
        var candidates = found.ToList();
        return await box.Where(c => candidates.Contains(c.Id)).Select(c => c.Id).ToListAsync(cancellationToken);
    }

    private static async Task<IEnumerable<Guid>> SummaryMatchesAsync(
        ExchangeDbContext db, CaseAccess access, IQueryable<CollaborationCase> box, string term, CancellationToken cancellationToken)
    {
        // One bounded seek per open state on (member, status, id), newest first.
        var open = new List<Guid>();
        foreach (var state in OpenStates)
        {
            open.AddRange(await box.Where(c => c.Status == state).OrderByDescending(c => c.Id).Take(SummarySearchBound)
                .Select(c => c.Id).ToListAsync(cancellationToken));
        }

        var ids = open.OrderDescending().Take(SummarySearchBound).ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        var summaries = await db.CaseFields.AsNoTracking()
            .Where(f => ids.Contains(f.CaseId) && f.Name == FieldCatalogue.Summary)
            .Select(f => new { f.CaseId, f.Value, Version = EF.Property<int>(f, CaseContentInterceptor.VersionProperty) })
            .ToListAsync(cancellationToken);
        await access.UnlockAsync(db, db.Cases.Where(c => ids.Contains(c.Id)), cancellationToken);
        var matches = new List<Guid>();
        foreach (var s in summaries)
        {
            string? summary;
            try
            {
                summary = db.OpenProjected(s.CaseId, CaseContentInterceptor.FieldPurpose(FieldCatalogue.Summary), s.Version, s.Value);
            }
            catch (CaseContentIntegrityException)
            {
                continue; // A damaged case is not found by its summary; the list shows it without content.
            }

            if (summary is not null && summary.Contains(term, StringComparison.OrdinalIgnoreCase))
            {
                matches.Add(s.CaseId);
            }
        }

        return matches;
    }
}

using System.Text;
using Exchange.Api.Auth;
using Exchange.Api.Http;
using Exchange.Core.Cases;
using Exchange.Core.Content;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Features.Cases;

/// <summary>The order of a case list (decision 0210).</summary>
public enum CaseListSort
{
    /// <summary>Newest first.</summary>
    Newest,
    /// <summary>Soonest response deadline first; cases without a deadline (concluded, or no target) last.</summary>
    Due,
    /// <summary>Most severe (1) first, oldest first within a severity.</summary>
    Severity,
}

/// <summary>
/// The case list: inbox or outbox, sorted for triage, searched, paged both ways by keyset, with a
/// count of the whole list. Every page is a few index seeks on (member, sort key, id), whatever the
/// size of the table; see decision 0210 for what a search covers and why the count is capped.
/// </summary>
public static partial class CasesEndpoints
{
    /// <summary>Counting stops here: the count is a bounded index walk, not a scan of a member's every case.</summary>
    public const int ListTotalCap = 1_000;

    public const int MaxSearchLength = 200;

    private const string ListDescription =
        "The caller's cases: `box=inbox` (received) or `outbox` (sent), optionally by `status`; `status=purged` lists tombstones. "
        + "`sort`: `newest` (default), `due` (soonest response deadline first, cases without one last) or `severity` (1 first, oldest first within a severity). "
        + "`q` searches: a case id, a submitter's or receiver's case reference (exact, case and spacing ignored), or words of the summary; "
        + "the summary is encrypted content, so it is searched among the caller's 500 newest open cases in the box only (decision 0210). "
        + "Keyset pages: pass `nextCursor` as `after` (or `cursor`) and `previousCursor` as `before`, with the same sort. "
        + "`total` counts the whole filtered list up to 1,000; `totalCapped` is true when there are at least that many. "
        + "`waitingOnYou` marks a case whose state expects the caller's member's next move.";

    private sealed record ListKey(Guid Id, DateTime? Due, int Severity);

    private static async Task<Results<Ok<CasePage>, ValidationProblem>> List(
        string? box, string? status, string? sort, string? q, string? cursor, string? after, string? before, int? limit,
        Caller caller, [AsParameters] CaseServices s, CancellationToken cancellationToken)
    {
        var max = s.Limits.Value.MaxPageSize;
        var size = limit ?? s.Limits.Value.DefaultPageSize;
        if (size < 1 || size > max)
        {
            return Problems.Invalid("limit", $"Must be between 1 and {max}.");
        }

        CaseStatus? wanted = null;
        if (status is not null)
        {
            var match = Enum.GetValues<CaseStatus>().Where(v => CaseLifecycle.StatusName(v) == status).ToList();
            if (match.Count == 0)
            {
                return Problems.Invalid("status", "Must be one of: " + string.Join(", ", Enum.GetValues<CaseStatus>().Select(CaseLifecycle.StatusName)) + ".");
            }

            wanted = match[0];
        }

        var order = CaseListSort.Newest;
        if (sort is not null && !TryParseSort(sort, out order))
        {
            return Problems.Invalid("sort", "Must be newest, due or severity.");
        }

        if (cursor is not null && after is not null)
        {
            return Problems.Invalid("cursor", "Send the next page's cursor once, as after (cursor is its older name).");
        }

        after ??= cursor;
        if (after is not null && before is not null)
        {
            return Problems.Invalid("before", "Page one way at a time: after or before, not both.");
        }

        ListKey? from = null;
        if ((after ?? before) is { } token)
        {
            if (!ListCursor.TryDecode(token, order, out from))
            {
                return Problems.Invalid(before is null ? "after" : "before", "Not a cursor this API issued for this sort.");
            }
        }

        string? term = null;
        if (q is not null)
        {
            term = q.Trim();
            if (term.Length is 0 or > MaxSearchLength || term.Any(char.IsControl))
            {
                return Problems.Invalid("q", $"Must be 1 to {MaxSearchLength} characters without control characters.");
            }
        }

        var access = caller.Access;
        var metadataOnly = access.MetadataOnly;
        if (!metadataOnly && box is not null and not "inbox" and not "outbox")
        {
            return Problems.Invalid("box", "Must be inbox or outbox.");
        }

        if (metadataOnly && box is not null)
        {
            return Problems.Invalid("box", "Operator staff list case metadata across members; leave out box.");
        }

        if (wanted == CaseStatus.Purged)
        {
            if (order != CaseListSort.Newest || term is not null || before is not null)
            {
                return Problems.Invalid(order != CaseListSort.Newest ? "sort" : term is not null ? "q" : "before",
                    "Tombstones (status=purged) list newest first, forwards, without a search.");
            }

            return TypedResults.Ok(await ListPurgedAsync(box, from?.Id, size, access, caller, s, cancellationToken));
        }

        // Operator staff see every case's metadata (ids, members, states, timestamps), never content.
        var query = access.Box(s.Db.Cases.AsNoTracking(), box);
        if (wanted is { } st)
        {
            query = query.Where(c => c.Status == st);
        }

        if (term is not null)
        {
            var found = await CaseTriage.SearchAsync(s.Db, access, query, term, cancellationToken);
            query = query.Where(c => found.Contains(c.Id));
        }

        var total = await query.Take(ListTotalCap + 1).CountAsync(cancellationToken);
        var backwards = before is not null;
        var keys = await SeekAsync(query, order, from, backwards, size + 1, cancellationToken);
        var more = keys.Count > size;
        var pageKeys = keys.Take(size).ToList();
        if (backwards)
        {
            pageKeys.Reverse();
        }

        var items = await PageAsync(query, pageKeys.Select(k => k.Id).ToList(), access, s, cancellationToken);
        string? next, previous;
        if (backwards)
        {
            previous = more && pageKeys.Count > 0 ? ListCursor.Encode(order, pageKeys[0]) : null;
            next = pageKeys.Count > 0 ? ListCursor.Encode(order, pageKeys[^1]) : null;
        }
        else
        {
            next = more ? ListCursor.Encode(order, pageKeys[^1]) : null;
            previous = from is not null && pageKeys.Count > 0 ? ListCursor.Encode(order, pageKeys[0]) : null;
        }

        // The search term is content and stays out of the audit log (and every log): only that there was one.
        await s.Audit.InTransactionAsync(() => s.Audit.AppendAsync(caller.Actor, metadataOnly ? "case.metadata_listed" : "case.listed", "case", null,
            details: new { box, sort = SortName(order), search = term is not null, count = items.Count, cases = items.Select(i => i.Id) },
            cancellationToken: cancellationToken), cancellationToken);

        return TypedResults.Ok(new CasePage(items, next, previous, Math.Min(total, ListTotalCap), total > ListTotalCap));
    }

    private static bool TryParseSort(string value, out CaseListSort sort)
    {
        sort = value switch
        {
            "newest" => CaseListSort.Newest,
            "due" => CaseListSort.Due,
            "severity" => CaseListSort.Severity,
            _ => (CaseListSort)(-1),
        };
        return Enum.IsDefined(sort);
    }

    private static string SortName(CaseListSort sort) => sort.ToString().ToLowerInvariant();

    /// <summary>
    /// Up to <paramref name="take"/> keys after (or, walking <paramref name="backwards"/>, before)
    /// <paramref name="from"/> in the sort's order. A sort's order is a chain of segments, each one
    /// seek on an index (member, key, id): the rest of the cursor's key, then the keys beyond it,
    /// then (for `due`) the cases without a deadline; a segment is read only if the page is not full.
    /// </summary>
    private static async Task<List<ListKey>> SeekAsync(
        IQueryable<CollaborationCase> query, CaseListSort sort, ListKey? from, bool backwards, int take, CancellationToken cancellationToken)
    {
        var keys = new List<ListKey>(take);
        foreach (var segment in Segments(query, sort, from, backwards))
        {
            if (keys.Count >= take)
            {
                break;
            }

            keys.AddRange(await segment.Take(take - keys.Count).Select(c => new ListKey(c.Id, c.ResponseDueAt, c.Severity)).ToListAsync(cancellationToken));
        }

        return keys;
    }

    private static IEnumerable<IQueryable<CollaborationCase>> Segments(IQueryable<CollaborationCase> q, CaseListSort sort, ListKey? from, bool backwards)
    {
        switch (sort, from, backwards)
        {
            case (CaseListSort.Newest, null, _):
                yield return q.OrderByDescending(c => c.Id);
                break;
            case (CaseListSort.Newest, { Id: var id }, false):
                yield return q.Where(c => c.Id.CompareTo(id) < 0).OrderByDescending(c => c.Id);
                break;
            case (CaseListSort.Newest, { Id: var id }, true):
                yield return q.Where(c => c.Id.CompareTo(id) > 0).OrderBy(c => c.Id);
                break;

            case (CaseListSort.Severity, null, _):
                yield return q.OrderBy(c => c.Severity).ThenBy(c => c.Id);
                break;
            case (CaseListSort.Severity, { Id: var id, Severity: var severity }, false):
                yield return q.Where(c => c.Severity == severity && c.Id.CompareTo(id) > 0).OrderBy(c => c.Id);
                yield return q.Where(c => c.Severity > severity).OrderBy(c => c.Severity).ThenBy(c => c.Id);
                break;
            case (CaseListSort.Severity, { Id: var id, Severity: var severity }, true):
                yield return q.Where(c => c.Severity == severity && c.Id.CompareTo(id) < 0).OrderByDescending(c => c.Id);
                yield return q.Where(c => c.Severity < severity).OrderByDescending(c => c.Severity).ThenByDescending(c => c.Id);
                break;

            case (CaseListSort.Due, null, _):
                yield return q.Where(c => c.ResponseDueAt != null).OrderBy(c => c.ResponseDueAt).ThenBy(c => c.Id);
                yield return q.Where(c => c.ResponseDueAt == null).OrderBy(c => c.Id);
                break;
            case (CaseListSort.Due, { Id: var id, Due: { } due }, false):
                yield return q.Where(c => c.ResponseDueAt == due && c.Id.CompareTo(id) > 0).OrderBy(c => c.Id);
                yield return q.Where(c => c.ResponseDueAt > due).OrderBy(c => c.ResponseDueAt).ThenBy(c => c.Id);
                yield return q.Where(c => c.ResponseDueAt == null).OrderBy(c => c.Id);
                break;
            case (CaseListSort.Due, { Id: var id, Due: null }, false):
                yield return q.Where(c => c.ResponseDueAt == null && c.Id.CompareTo(id) > 0).OrderBy(c => c.Id);
                break;
            case (CaseListSort.Due, { Id: var id, Due: { } due }, true):
                yield return q.Where(c => c.ResponseDueAt == due && c.Id.CompareTo(id) < 0).OrderByDescending(c => c.Id);
                yield return q.Where(c => c.ResponseDueAt < due).OrderByDescending(c => c.ResponseDueAt).ThenByDescending(c => c.Id);
                break;
            case (CaseListSort.Due, { Id: var id, Due: null }, true):
                yield return q.Where(c => c.ResponseDueAt == null && c.Id.CompareTo(id) < 0).OrderByDescending(c => c.Id);
                yield return q.Where(c => c.ResponseDueAt != null).OrderByDescending(c => c.ResponseDueAt).ThenByDescending(c => c.Id);
                break;
        }
    }

    /// <summary>
    /// The lines of one page, in the page's order. Content is ciphertext in the database: the page is
    /// read with its stored columns, then opened with the keys of the page's cases only.
    /// </summary>
    private static async Task<List<CaseSummaryDto>> PageAsync(
        IQueryable<CollaborationCase> query, List<Guid> pageIds, CaseAccess access, CaseServices s, CancellationToken cancellationToken)
    {
        if (pageIds.Count == 0)
        {
            return [];
        }

        var metadataOnly = access.MetadataOnly;
        var rows = await query.Where(c => pageIds.Contains(c.Id))
            .Select(c => new
            {
                c.Id, c.SubmittingMemberId, c.ReceivingMemberId, c.Severity, c.Status, c.CreatedAt, c.UpdatedAt, c.ResponseDueAt, c.ConcludedAt,
                c.RespondedAt, c.RespondedInTime,
                Version = EF.Property<int>(c, CaseContentInterceptor.VersionProperty),
                SubmitterReference = metadataOnly ? null : c.SubmitterCaseReference,
                ReceiverReference = metadataOnly ? null : c.ReceiverCaseReference,
                // Two scalar subqueries, each a primary-key lookup per listed case. An object here made
                // EF join a window over every case's summary, which grew with the whole table
                // (300-700 ms a page at 1,000,000 cases in the issue 13 benchmark).
                Summary = metadataOnly ? null : c.Fields.Where(f => f.Name == FieldCatalogue.Summary).Select(f => f.Value).FirstOrDefault(),
                SummaryVersion = metadataOnly ? 0 : c.Fields.Where(f => f.Name == FieldCatalogue.Summary)
                    .Select(f => EF.Property<int>(f, CaseContentInterceptor.VersionProperty)).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        await access.UnlockAsync(s.Db, s.Db.Cases.Where(c => pageIds.Contains(c.Id)), cancellationToken);

        var position = pageIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        var items = new List<CaseSummaryDto>(rows.Count);
        foreach (var r in rows.OrderBy(r => position[r.Id]))
        {
            string? submitterReference = null, receiverReference = null, summary = null;
            try
            {
                submitterReference = s.Db.OpenProjected(r.Id, CaseContentInterceptor.CasePurpose(nameof(CollaborationCase.SubmitterCaseReference)), r.Version, r.SubmitterReference);
                receiverReference = s.Db.OpenProjected(r.Id, CaseContentInterceptor.CasePurpose(nameof(CollaborationCase.ReceiverCaseReference)), r.Version, r.ReceiverReference);
                summary = r.Summary is null ? null : s.Db.OpenProjected(r.Id, CaseContentInterceptor.FieldPurpose(FieldCatalogue.Summary), r.SummaryVersion, r.Summary);
            }
            catch (CaseContentIntegrityException)
            {
                // One damaged case must not hide the others: its line shows no content; reading it fails.
                s.Logger.LogError("Stored content of case {CaseId} failed authentication; listed without content", r.Id);
                submitterReference = receiverReference = summary = null;
            }

            items.Add(new CaseSummaryDto(r.Id, r.SubmittingMemberId, r.ReceivingMemberId, r.Severity, r.Status,
                submitterReference, receiverReference, summary, r.CreatedAt, r.UpdatedAt, r.ResponseDueAt, r.ConcludedAt,
                CaseTriage.WaitingOn(r.Status, r.SubmittingMemberId, r.ReceivingMemberId, access.MemberId))
            {
                RespondedAt = r.RespondedAt,
                RespondedInTime = r.RespondedInTime,
            });
        }

        return items;
    }

    /// <summary>
    /// `status=purged`: the tombstones of the caller's purged cases, as list lines with what the
    /// tombstone keeps. The case list without this filter shows cases that still hold data.
    /// </summary>
    private static async Task<CasePage> ListPurgedAsync(
        string? box, Guid? after, int size, CaseAccess access, Caller caller, CaseServices s, CancellationToken cancellationToken)
    {
        var metadataOnly = access.MetadataOnly;
        var query = access.Box(s.Db.Tombstones.AsNoTracking(), box);
        var total = await query.Take(ListTotalCap + 1).CountAsync(cancellationToken);

        if (after is { } last)
        {
            query = query.Where(t => t.CaseId.CompareTo(last) < 0);
        }

        var rows = await query.OrderByDescending(t => t.CaseId).Take(size + 1).ToListAsync(cancellationToken);
        var items = rows.Take(size).Select(t => new CaseSummaryDto(t.CaseId, t.SubmittingMemberId, t.ReceivingMemberId, null, CaseStatus.Purged,
            null, null, metadataOnly ? null : t.Summary, t.OpenedAt, t.PurgedAt, null, t.ConcludedAt)
        {
            // Metadata the tombstone keeps, so a member's counts of answers in time survive the purge.
            RespondedAt = t.RespondedAt,
            RespondedInTime = t.RespondedInTime,
        }).ToList();
        var next = rows.Count > size ? ListCursor.Encode(CaseListSort.Newest, new ListKey(items[^1].Id, null, 0)) : null;

        await s.Audit.InTransactionAsync(() => s.Audit.AppendAsync(caller.Actor, metadataOnly ? "case.metadata_listed" : "case.listed", "case", null,
            details: new { box, status = "purged", count = items.Count, cases = items.Select(i => i.Id) }, cancellationToken: cancellationToken), cancellationToken);
        return new CasePage(items, next, null, Math.Min(total, ListTotalCap), total > ListTotalCap);
    }

    /// <summary>
    /// A list cursor: the sort key and id of the line a page ends (or starts) at, opaque to clients.
    /// A newest-first cursor is the id alone, as before sorts existed, so older cursors still work.
    /// </summary>
    private static class ListCursor
    {
        public static string Encode(CaseListSort sort, ListKey key) => sort switch
        {
            CaseListSort.Newest => KeysetCursor.Encode(key.Id),
            CaseListSort.Due => Base64Url($"d.{(key.Due is { } due ? due.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-")}.{key.Id:N}"),
            _ => Base64Url($"s.{key.Severity}.{key.Id:N}"),
        };

        public static bool TryDecode(string token, CaseListSort sort, out ListKey? key)
        {
            key = null;
            if (sort == CaseListSort.Newest)
            {
                if (!KeysetCursor.TryDecode(token, out var id))
                {
                    return false;
                }

                key = new ListKey(id, null, 0);
                return true;
            }

            if (token.Length > 100 || FromBase64Url(token) is not { } text || text.Split('.') is not [var kind, var value, var idText]
                || !Guid.TryParseExact(idText, "N", out var caseId))
            {
                return false;
            }

            var inv = System.Globalization.CultureInfo.InvariantCulture;
            if (sort == CaseListSort.Due && kind == "d")
            {
                if (value == "-")
                {
                    key = new ListKey(caseId, null, 0);
                    return true;
                }

                if (long.TryParse(value, System.Globalization.NumberStyles.None, inv, out var ticks) && ticks <= DateTime.MaxValue.Ticks)
                {
                    key = new ListKey(caseId, new DateTime(ticks, DateTimeKind.Utc), 0);
                    return true;
                }
            }
            else if (sort == CaseListSort.Severity && kind == "s" && int.TryParse(value, System.Globalization.NumberStyles.None, inv, out var severity) && severity is >= 1 and <= 4)
            {
                key = new ListKey(caseId, null, severity);
                return true;
            }

            return false;
        }

        private static string Base64Url(string text) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        private static string? FromBase64Url(string token)
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", _ => "" };
            try
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}

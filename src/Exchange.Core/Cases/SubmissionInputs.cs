using Exchange.Core.Agreements;
using Exchange.Core.Authorisations;
using Exchange.Core.Data;
using Exchange.Core.Members;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Core.Cases;

/// <summary>What the gates read about one submission: the receiver, the agreements either member is party to, the authorisation named.</summary>
public sealed record SubmissionInputs(Member Receiver, IReadOnlyList<Agreement> Agreements, CustomerAuthorisation? Authorisation)
{
    /// <summary>
    /// Everything <see cref="CaseSubmissionRules"/> needs, in one query (issue 13: a submission's
    /// gates used to read the receiver, the agreements and the authorisation in three round trips,
    /// the receiver a second time for the response due date). Null when the receiver does not exist.
    /// Read outside the audit transaction: nothing here needs the chain's lock, and holding it for
    /// fewer round trips is what lets submissions queue less behind each other.
    /// </summary>
    public static async Task<SubmissionInputs?> LoadAsync(
        ExchangeDbContext db, string submittingMemberId, string receivingMemberId, Guid? authorisationId, CancellationToken cancellationToken)
    {
        // One flat query, a row per party of each agreement that names either member, with the
        // receiver and the authorisation beside it; SQLite has no APPLY, so no nested collections.
        var rows = await (
                from m in db.Members.Where(m => m.Id == receivingMemberId)
                from a in db.Agreements.Where(a => a.Parties.Any(p => p.PartyId == submittingMemberId || p.PartyId == receivingMemberId)).DefaultIfEmpty()
                from p in db.Set<AgreementParty>().Where(p => p.AgreementId == a.Id).DefaultIfEmpty()
                from c in db.CustomerAuthorisations.Where(c => c.Id == authorisationId).DefaultIfEmpty()
                select new { Receiver = m, Agreement = a, Party = p, Authorisation = c })
            .AsNoTracking().ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return null;
        }

        var agreements = new List<Agreement>();
        foreach (var group in rows.Where(r => r.Agreement is not null).GroupBy(r => r.Agreement!.Id))
        {
            var agreement = group.First().Agreement!;
            agreement.Parties = group.Where(r => r.Party is not null).Select(r => r.Party!).DistinctBy(p => p.PartyId).ToList();
            agreements.Add(agreement);
        }

        return new SubmissionInputs(rows[0].Receiver, agreements, rows[0].Authorisation);
    }

    /// <summary>The gates' context for this submission.</summary>
    public SubmissionContext Context(string submittingMemberId, IReadOnlyDictionary<string, string> fields, DateTime now) =>
        new(submittingMemberId, Receiver, Agreements, Authorisation, fields, now);
}

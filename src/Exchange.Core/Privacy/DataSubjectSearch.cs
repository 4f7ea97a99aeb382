using System.Text.RegularExpressions;
using Exchange.Core.Agreements;
using Exchange.Core.Audit;
using Exchange.Core.Authorisations;
using Exchange.Core.Cases;
using Exchange.Core.Content;
using Exchange.Core.Data;
using Exchange.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Core.Privacy;

/// <summary>Who a data-subject request is about: an e-mail address, optionally a phone number and a name.</summary>
public sealed record DataSubject(string? Email, string? Phone, string? Name)
{
    public string? EmailTerm => Email is null ? null : BlindIndex.NormaliseEmail(Email);
    public string? PhoneTerm => Phone is null ? null : BlindIndex.NormalisePhone(Phone);
}

/// <summary>One place the person's data was found: what it is, where, and the value.</summary>
public sealed record DataSubjectItem(
    string Kind, Guid? CaseId, Guid? AuthorisationId, string Part, string Value,
    string SharedBy, string SharedWith, DateTime SharedAt, IReadOnlyList<Guid> AgreementIds, DateTime? PurgeDueAt, string CaseStatus);

/// <summary>
/// The data-subject search and the rights carried out on what it finds (issue 12). Cases are found
/// through the blind index (decision 0006: content is encrypted per case, so the database cannot
/// be searched for an e-mail address), narrowed by <see cref="CaseAccess"/> to the member's own
/// cases, then opened and scanned for the normalised e-mail address and phone number (and the name,
/// case-insensitively, within those cases). Authorisations are the member's own records, matched on
/// the authoriser's e-mail address or name. Every case opened is audited with the request's id.
/// </summary>
public sealed class DataSubjectSearch(ExchangeDbContext db, AuditLog audit)
{
    public const string ItemCaseField = "case_field";
    public const string ItemCaseNote = "case_note";
    public const string ItemCaseText = "case_text";
    public const string ItemAuthorisation = "customer_authorisation";

    /// <summary>The cases found, loaded with fields and notes and their content opened (tracked, so a right can change them).</summary>
    public sealed record Found(List<CollaborationCase> Cases, List<CustomerAuthorisation> Authorisations, List<DataSubjectItem> Items);

    /// <summary>Runs inside the caller's <see cref="AuditLog.BeginAsync"/> transaction: each case opened gets its audit entry.</summary>
    public async Task<Found> FindAsync(DataSubjectRequest request, DataSubject subject, AuditActor actor, CancellationToken cancellationToken)
    {
        var access = CaseAccess.WithinProcedure(request.MemberId, CaseProcedure.DataSubjectRequest, request.Id);
        var candidates = new HashSet<Guid>();
        foreach (var identifier in new[] { subject.Email, subject.Phone })
        {
            if (!string.IsNullOrWhiteSpace(identifier))
            {
                candidates.UnionWith(await BlindIndex.FindCasesAsync(db, identifier, cancellationToken));
            }
        }

        var ids = candidates.ToList();
        var query = access.Cases(db.Cases).Where(c => ids.Contains(c.Id));
        await access.UnlockAsync(db, query, cancellationToken);
        var cases = ids.Count == 0 ? [] : await query.Include(c => c.Fields).Include(c => c.Notes).AsSplitQuery().ToListAsync(cancellationToken);

        var agreements = await db.Agreements.AsNoTracking().Include(a => a.Parties)
            .Where(a => a.Status == AgreementStatus.InForce).ToListAsync(cancellationToken);
        var items = new List<DataSubjectItem>();
        var holding = new List<CollaborationCase>();
        foreach (var collaboration in cases.OrderBy(c => c.Id))
        {
            var before = items.Count;
            var basis = AgreementsBetween(agreements, collaboration.SubmittingMemberId, collaboration.ReceivingMemberId);
            DataSubjectItem Item(string kind, string part, string value, DateTime at) => new(kind, collaboration.Id, collaboration.CustomerAuthorisationId, part, value,
                collaboration.SubmittingMemberId, collaboration.ReceivingMemberId, at, basis, collaboration.PurgeDueAt, CaseLifecycle.StatusName(collaboration.Status));

            foreach (var field in collaboration.Fields.OrderBy(f => f.Name, StringComparer.Ordinal).Where(f => Holds(f, subject)))
            {
                items.Add(Item(ItemCaseField, field.Name, field.Value, collaboration.CreatedAt));
            }

            foreach (var note in collaboration.Notes.OrderBy(n => n.CreatedAt).Where(n => Holds(n.Body, subject)))
            {
                items.Add(Item(ItemCaseNote, note.Id.ToString(), note.Body, note.CreatedAt));
            }

            foreach (var (part, value) in TextColumns(collaboration).Where(t => Holds(t.Value, subject)))
            {
                items.Add(Item(ItemCaseText, part, value!, collaboration.UpdatedAt));
            }

            if (items.Count > before)
            {
                holding.Add(collaboration);
            }

            await audit.AppendAsync(actor, "case.read", "case", collaboration.Id.ToString(), collaboration.Id, access.AuditDetails, cancellationToken);
        }

        var emailLower = subject.EmailTerm?["email:".Length..];
        var nameLower = string.IsNullOrWhiteSpace(subject.Name) ? null : subject.Name.Trim().ToLowerInvariant();
        var authorisations = emailLower is null && nameLower is null ? [] : await db.CustomerAuthorisations
            .Where(a => a.SubmittingMemberId == request.MemberId
                && ((emailLower != null && a.AuthorisedByEmail != null && a.AuthorisedByEmail.ToLower() == emailLower)
                    || (nameLower != null && a.AuthorisedByName.ToLower() == nameLower)))
            .OrderBy(a => a.Id).ToListAsync(cancellationToken);
        foreach (var authorisation in authorisations)
        {
            var basis = authorisation.ReceivingMemberIds.SelectMany(r => AgreementsBetween(agreements, authorisation.SubmittingMemberId, r)).Distinct().ToList();
            DataSubjectItem Item(string part, string value) => new(ItemAuthorisation, null, authorisation.Id, part, value,
                authorisation.SubmittingMemberId, string.Join(" ", authorisation.ReceivingMemberIds), authorisation.CreatedAt, basis, null,
                authorisation.WithdrawnAt is null ? "recorded" : "withdrawn");
            items.Add(Item("authorisedBy.name", authorisation.AuthorisedByName));
            if (authorisation.AuthorisedByEmail is { } email)
            {
                items.Add(Item("authorisedBy.email", email));
            }
        }

        return new Found(holding, authorisations, items);
    }

    /// <summary>The agreements in force that cover two members: a bilateral one binding both, or both members' framework agreements.</summary>
    private static List<Guid> AgreementsBetween(List<Agreement> agreements, string a, string b)
    {
        bool Party(Agreement agreement, string member) => agreement.Parties.Any(p => p.PartyId == member);
        var bilateral = agreements.Where(x => x.Kind == AgreementKind.Bilateral && Party(x, a) && Party(x, b)).Select(x => x.Id).ToList();
        if (bilateral.Count > 0)
        {
            return bilateral;
        }

        var frameworks = agreements.Where(x => x.Kind == AgreementKind.Framework && (Party(x, a) || Party(x, b))).ToList();
        return frameworks.Any(x => Party(x, a)) && frameworks.Any(x => Party(x, b)) ? frameworks.Select(x => x.Id).ToList() : [];
    }

    private static IEnumerable<(string Part, string? Value)> TextColumns(CollaborationCase c) =>
    [
        ("submitterCaseReference", c.SubmitterCaseReference), ("receiverCaseReference", c.ReceiverCaseReference),
        ("rejectionReason", c.RejectionReason), ("stepsTaken", c.StepsTaken), ("conclusion", c.Conclusion),
    ];

    public static bool Holds(CaseField field, DataSubject subject) => Holds(field.Value, subject, BlindIndex.FieldTerms(field.Name, field.Value));

    public static bool Holds(string? value, DataSubject subject) => Holds(value, subject, BlindIndex.Terms(value));

    /// <summary>Whether a value holds the person's e-mail address or phone number (normalised), or their name (case-insensitive).</summary>
    private static bool Holds(string? value, DataSubject subject, IEnumerable<string> valueTerms)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var terms = valueTerms.ToHashSet(StringComparer.Ordinal);
        return (subject.EmailTerm is { } email && terms.Contains(email))
            || (subject.PhoneTerm is { } phone && terms.Contains(phone))
            || (!string.IsNullOrWhiteSpace(subject.Name) && value.Contains(subject.Name.Trim(), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The value with every occurrence of the person's identifiers replaced by the corrected ones
    /// (an identifier without a correction is left as it is).
    /// </summary>
    public static string Rewrite(string value, DataSubject subject, DataSubject corrected)
    {
        var result = value;
        var matches = PersonalDataScanner.Scan(value).Matches.OrderByDescending(m => m.Start);
        foreach (var match in matches)
        {
            var text = value.Substring(match.Start, match.Length);
            var replacement = match.Kind switch
            {
                PersonalDataKind.Email when corrected.Email is not null && BlindIndex.NormaliseEmail(text) == subject.EmailTerm => corrected.Email,
                PersonalDataKind.Phone when corrected.Phone is not null && BlindIndex.NormalisePhone(text) == subject.PhoneTerm => corrected.Phone,
                _ => null,
            };
            if (replacement is not null)
            {
                result = result[..match.Start] + replacement + result[(match.Start + match.Length)..];
            }
        }

        if (!string.IsNullOrWhiteSpace(subject.Name) && corrected.Name is not null)
        {
            result = Regex.Replace(result, Regex.Escape(subject.Name.Trim()), corrected.Name.Replace("$", "$$", StringComparison.Ordinal),
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }

        return result;
    }

    /// <summary>Corrects every value found; returns how many values changed. The caller saves and commits.</summary>
    public static int Rectify(Found found, DataSubject subject, DataSubject corrected)
    {
        var changed = 0;
        string Fix(string value)
        {
            var fixedValue = Rewrite(value, subject, corrected);
            if (!string.Equals(fixedValue, value, StringComparison.Ordinal))
            {
                changed++;
            }

            return fixedValue;
        }

        foreach (var collaboration in found.Cases)
        {
            foreach (var field in collaboration.Fields.Where(f => Holds(f, subject)))
            {
                // A contact field that is the identifier as a whole is replaced whole, whatever its spelling.
                var whole = field.Name switch
                {
                    FieldCatalogue.CustomerContactEmail when corrected.Email is not null && BlindIndex.NormaliseEmail(field.Value) == subject.EmailTerm => corrected.Email,
                    FieldCatalogue.CustomerContactPhone when corrected.Phone is not null && BlindIndex.NormalisePhone(field.Value) == subject.PhoneTerm => corrected.Phone,
                    _ => null,
                };
                if (whole is not null)
                {
                    changed++;
                    field.Value = whole;
                }
                else
                {
                    field.Value = Fix(field.Value);
                }
            }

            foreach (var note in collaboration.Notes.Where(n => Holds(n.Body, subject)))
            {
                note.Body = Fix(note.Body);
            }

            if (Holds(collaboration.SubmitterCaseReference, subject))
            {
                collaboration.SubmitterCaseReference = Fix(collaboration.SubmitterCaseReference);
            }

            collaboration.ReceiverCaseReference = Holds(collaboration.ReceiverCaseReference, subject) ? Fix(collaboration.ReceiverCaseReference!) : collaboration.ReceiverCaseReference;
            collaboration.RejectionReason = Holds(collaboration.RejectionReason, subject) ? Fix(collaboration.RejectionReason!) : collaboration.RejectionReason;
            collaboration.StepsTaken = Holds(collaboration.StepsTaken, subject) ? Fix(collaboration.StepsTaken!) : collaboration.StepsTaken;
            collaboration.Conclusion = Holds(collaboration.Conclusion, subject) ? Fix(collaboration.Conclusion!) : collaboration.Conclusion;
            collaboration.Version = Guid.NewGuid();
        }

        foreach (var authorisation in found.Authorisations)
        {
            if (corrected.Email is not null && authorisation.AuthorisedByEmail is { } email && BlindIndex.NormaliseEmail(email) == subject.EmailTerm)
            {
                authorisation.AuthorisedByEmail = corrected.Email;
                changed++;
            }

            if (corrected.Name is not null && subject.Name is not null && string.Equals(authorisation.AuthorisedByName.Trim(), subject.Name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                authorisation.AuthorisedByName = corrected.Name;
                changed++;
            }
        }

        return changed;
    }

    /// <summary>
    /// After a rectification the blind index of each changed case is rebuilt from its current values,
    /// so the old identifiers no longer find it. Call after the rectified values are saved.
    /// </summary>
    public async Task ReindexAsync(IEnumerable<CollaborationCase> cases, CancellationToken cancellationToken)
    {
        var protector = db.ContentProtector ?? throw new InvalidOperationException("This context has no case content protector.");
        var (kekId, kek) = protector.Keks.Current();
        var ids = cases.Select(c => c.Id).ToHashSet();
        foreach (var tracked in db.ChangeTracker.Entries<CaseBlindIndexEntry>().Where(e => ids.Contains(e.Entity.CaseId)).ToList())
        {
            tracked.State = EntityState.Detached;
        }

        foreach (var collaboration in cases)
        {
            var id = collaboration.Id;
            await db.CaseBlindIndex.Where(e => e.CaseId == id).ExecuteDeleteAsync(cancellationToken);
            db.CaseBlindIndex.AddRange(BlindIndex.EntriesFor(id, kekId, kek, BlindIndex.CaseTerms(collaboration, collaboration.Fields, collaboration.Notes)));
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Tells the other member of each case that a right was exercised on it: the case id and the right,
    /// never the person's data nor the request (webhook event <see cref="CaseEvents.DataSubjectRequest"/>).
    /// </summary>
    public void Notify(DataSubjectRequest request, IEnumerable<CollaborationCase> cases, DateTime now)
    {
        foreach (var collaboration in cases)
        {
            var other = collaboration.SubmittingMemberId == request.MemberId ? collaboration.ReceivingMemberId : collaboration.SubmittingMemberId;
            db.OutboxMessages.Add(CaseEvents.ForDataSubjectRequest(collaboration.Id, other, RightName(request.Right), now));
        }
    }

    public static string RightName(DataSubjectRight right) => right.ToString().ToLowerInvariant();

    /// <summary>A refusal when a restriction or objection holds the case: nothing new is shared on it until lifted.</summary>
    public static async Task<Refusal?> RestrictionOfAsync(ExchangeDbContext db, Guid caseId, CancellationToken cancellationToken) =>
        await db.CaseRestrictions.AnyAsync(r => r.CaseId == caseId, cancellationToken)
            ? new Refusal(RefusalCodes.CaseRestricted,
                "A data-subject request restricts processing on this case: nothing new is shared on it until the restriction is lifted.", RefusalKind.Conflict)
            : null;
}

using Exchange.Core.Agreements;
using Exchange.Core.Authorisations;
using Exchange.Core.Members;

namespace Exchange.Core.Cases;

/// <summary>What the gates need to decide on one submission, loaded by the caller.</summary>
public sealed record SubmissionContext(
    string SubmittingMemberId,
    Member Receiver,
    IReadOnlyList<Agreement> Agreements,
    CustomerAuthorisation? Authorisation,
    IReadOnlyDictionary<string, string> Fields,
    DateTime Now);

/// <summary>The agreement terms that make one submission lawful.</summary>
public sealed record AgreementTerms(IReadOnlyList<Guid> AgreementIds, IReadOnlyCollection<DataCategory> Categories, IReadOnlyCollection<string> Regions);

/// <summary>A submission that passed every gate: what will be stored, and what was withheld and why.</summary>
public sealed record AcceptedSubmission(AgreementTerms Terms, IReadOnlyDictionary<string, string> Fields, IReadOnlyList<WithheldValue> Withheld);

/// <summary>
/// Whether requests from one member to a receiver can pass the agreement now, before any request
/// or authorisation exists: the terms in force (null when none), the categories the receiver
/// requires, and the refusal any request would meet for the agreement's sake (null when covered).
/// </summary>
public sealed record ReceiverCoverage(AgreementTerms? Terms, IReadOnlyCollection<DataCategory> RequiredCategories, Refusal? Refusal)
{
    public bool Covered => Refusal is null;
}

/// <summary>Either a refusal or an accepted submission.</summary>
public sealed record SubmissionOutcome(Refusal? Refusal, AcceptedSubmission? Accepted)
{
    public static SubmissionOutcome Refused(string code, string detail) => new(new Refusal(code, detail), null);
}

/// <summary>
/// Rules 1 to 4 in their fixed order: agreement gate, authorisation gate, transfer gate, then
/// minimisation with the free-text scan. Pure: the caller loads the context and stores the result,
/// so the API's create and preview and any future caller answer identically.
///
/// "The categories the request would share" are those of the receiver's required fields: the
/// case cannot go ahead without them, so if the agreement or the authorisation does not cover
/// them the whole request is refused. Optional fields outside the agreement or the authorisation
/// are withheld by minimisation instead, and the submitter is told which and why.
/// </summary>
public static class CaseSubmissionRules
{
    public static SubmissionOutcome Evaluate(SubmissionContext context)
    {
        var required = RequiredCategories(context.Receiver);

        var agreement = AgreementGate(context.SubmittingMemberId, context.Receiver.Id, context.Agreements, required, context.Now, out var terms);
        if (agreement is not null)
        {
            return new SubmissionOutcome(agreement, null);
        }

        var authorisation = AuthorisationGate(context, required);
        if (authorisation is not null)
        {
            return new SubmissionOutcome(authorisation, null);
        }

        var transfer = TransferGate(context, terms!);
        if (transfer is not null)
        {
            return new SubmissionOutcome(transfer, null);
        }

        var minimised = Minimisation.Apply(context.Fields, context.Receiver.IntakePolicy.AcceptedFields, terms!.Categories, context.Authorisation!.DataCategories);
        var kept = new SortedDictionary<string, string>(minimised.Kept.ToDictionary(), StringComparer.Ordinal);
        var withheld = minimised.Withheld.ToList();
        var findings = new List<string>();
        foreach (var (name, value) in minimised.Kept)
        {
            if (FieldCatalogue.Find(name)!.FreeText && PersonalDataScanner.Scan(value) is { Found: true } scan)
            {
                findings.Add($"{name} ({string.Join(", ", scan.Kinds.Select(PersonalDataScanner.KindName))})");
                kept[name] = scan.Redacted;
                withheld.Add(new WithheldValue(name, WithheldReasons.PersonalDataRedacted));
            }
        }

        if (findings.Count > 0 && context.Receiver.IntakePolicy.FreeTextPersonalData == FreeTextPersonalDataPolicy.Refuse)
        {
            return SubmissionOutcome.Refused(RefusalCodes.PersonalDataInFreeText,
                $"The receiver refuses personal data in free text; found in: {string.Join("; ", findings)}.");
        }

        return new SubmissionOutcome(null, new AcceptedSubmission(terms, kept, withheld.OrderBy(w => w.Field, StringComparer.Ordinal).ToList()));
    }

    public static IReadOnlyCollection<DataCategory> RequiredCategories(Member receiver) =>
        receiver.IntakePolicy.RequiredFields.Select(FieldCatalogue.Find).OfType<CatalogueField>().Select(f => f.Category).Distinct().ToList();

    /// <summary>
    /// Which agreement in force covers the two members now: a bilateral agreement binding both,
    /// the newest first; otherwise both members' framework agreements, whose common terms apply.
    /// Null when none is in force; <paramref name="anyExists"/> tells "missing" from "not in force".
    /// </summary>
    public static AgreementTerms? Coverage(string memberA, string memberB, IEnumerable<Agreement> agreements, DateTime now, out bool anyExists)
    {
        var all = agreements.ToList();
        bool IsParty(Agreement a, string member) => a.Parties.Any(p => p.PartyId == member);
        var bilateral = all.Where(a => a.Kind == AgreementKind.Bilateral && IsParty(a, memberA) && IsParty(a, memberB)).ToList();
        var frameworkA = all.Where(a => a.Kind == AgreementKind.Framework && IsParty(a, memberA)).ToList();
        var frameworkB = all.Where(a => a.Kind == AgreementKind.Framework && IsParty(a, memberB)).ToList();
        anyExists = bilateral.Count > 0 || (frameworkA.Count > 0 && frameworkB.Count > 0);

        var inForce = bilateral.Where(a => a.IsInForceAt(now)).OrderByDescending(a => a.EffectiveFrom).FirstOrDefault();
        if (inForce is not null)
        {
            return new AgreementTerms([inForce.Id], inForce.PermittedCategories.Distinct().ToList(), inForce.PermittedRegions.Distinct(StringComparer.OrdinalIgnoreCase).ToList());
        }

        var fa = frameworkA.Where(a => a.IsInForceAt(now)).OrderByDescending(a => a.EffectiveFrom).FirstOrDefault();
        var fb = frameworkB.Where(a => a.IsInForceAt(now)).OrderByDescending(a => a.EffectiveFrom).FirstOrDefault();
        if (fa is null || fb is null)
        {
            return null;
        }

        return new AgreementTerms(
            fa.Id == fb.Id ? [fa.Id] : [fa.Id, fb.Id],
            fa.PermittedCategories.Intersect(fb.PermittedCategories).ToList(),
            fa.PermittedRegions.Intersect(fb.PermittedRegions, StringComparer.OrdinalIgnoreCase).ToList());
    }

    /// <summary>
    /// The agreement's part of the gates for any request from <paramref name="submittingMemberId"/>
    /// to <paramref name="receiver"/> now: rule 1 (an agreement in force covers both and permits the
    /// categories the receiver requires) and the agreement's half of rule 3 (it allows the receiver's
    /// region). What a request would still need is an authorisation that covers it. The same
    /// private checks <see cref="Evaluate"/> runs, so the answer cannot drift from a submission's.
    /// </summary>
    public static ReceiverCoverage CoverageOf(string submittingMemberId, Member receiver, IEnumerable<Agreement> agreements, DateTime now)
    {
        var required = RequiredCategories(receiver);
        var refusal = AgreementGate(submittingMemberId, receiver.Id, agreements.ToList(), required, now, out var terms);
        if (refusal is null && !AgreementAllowsRegion(terms!, receiver.Region))
        {
            refusal = new Refusal(RefusalCodes.TransferRegionNotPermitted, $"Transfer to the receiver's processing region {receiver.Region} is not permitted by the agreement.");
        }

        return new ReceiverCoverage(terms, required, refusal);
    }

    private static Refusal? AgreementGate(
        string submittingMemberId, string receiverId, IEnumerable<Agreement> agreements, IReadOnlyCollection<DataCategory> required, DateTime now,
        out AgreementTerms? terms)
    {
        terms = Coverage(submittingMemberId, receiverId, agreements, now, out var anyExists);
        if (terms is null)
        {
            return anyExists
                ? new Refusal(RefusalCodes.AgreementNotInForce, "No agreement covering both members is in force now.")
                : new Refusal(RefusalCodes.AgreementMissing, "No agreement covers both members.");
        }

        var notPermitted = required.Except(terms.Categories).ToList();
        return notPermitted.Count > 0
            ? new Refusal(RefusalCodes.AgreementCategoryNotPermitted,
                $"The agreement does not permit the data categories the receiver requires: {CategoryList(notPermitted)}.")
            : null;
    }

    private static Refusal? AuthorisationGate(SubmissionContext context, IReadOnlyCollection<DataCategory> required)
    {
        var authorisation = context.Authorisation;
        if (authorisation is null || authorisation.SubmittingMemberId != context.SubmittingMemberId)
        {
            return new Refusal(RefusalCodes.AuthorisationMissing, "No customer authorisation with that id was recorded by the submitting member.");
        }

        if (authorisation.WithdrawnAt is not null)
        {
            return new Refusal(RefusalCodes.AuthorisationWithdrawn, "The customer authorisation has been withdrawn.");
        }

        if (authorisation.ExpiresAt <= context.Now)
        {
            return new Refusal(RefusalCodes.AuthorisationExpired, "The customer authorisation has expired.");
        }

        if (authorisation.RestrictedAt is not null)
        {
            return new Refusal(RefusalCodes.AuthorisationScope, "Processing under the customer authorisation is restricted.");
        }

        if (!authorisation.ReceivingMemberIds.Contains(context.Receiver.Id, StringComparer.Ordinal))
        {
            return new Refusal(RefusalCodes.AuthorisationScope, "The customer authorisation does not name the receiving member.");
        }

        if (context.Fields.TryGetValue(FieldCatalogue.CustomerOrganisation, out var organisation)
            && !string.Equals(organisation.Trim(), authorisation.CustomerOrganisation.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return new Refusal(RefusalCodes.AuthorisationScope, "The customer authorisation is for another customer organisation.");
        }

        var notCovered = required.Except(authorisation.DataCategories).ToList();
        return notCovered.Count > 0
            ? new Refusal(RefusalCodes.AuthorisationScope,
                $"The customer authorisation does not cover the data categories the receiver requires: {CategoryList(notCovered)}.")
            : null;
    }

    private static Refusal? TransferGate(SubmissionContext context, AgreementTerms terms)
    {
        var region = context.Receiver.Region;
        var agreementAllows = AgreementAllowsRegion(terms, region);
        var allowed = context.Authorisation!.AllowedRegions;
        var authorisationAllows = allowed.Count == 0 || allowed.Contains(region, StringComparer.OrdinalIgnoreCase);
        return agreementAllows && authorisationAllows
            ? null
            : new Refusal(RefusalCodes.TransferRegionNotPermitted,
                $"Transfer to the receiver's processing region {region} is not permitted by the {(agreementAllows ? "customer authorisation" : "agreement")}.");
    }

    private static bool AgreementAllowsRegion(AgreementTerms terms, string region) => terms.Regions.Contains(region, StringComparer.OrdinalIgnoreCase);

    private static string CategoryList(IEnumerable<DataCategory> categories) =>
        string.Join(", ", categories.Order().Select(c => c.ToString().ToLowerInvariant()));
}

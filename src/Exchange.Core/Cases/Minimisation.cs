namespace Exchange.Core.Cases;

/// <summary>Why a submitted field, or part of it, did not reach the receiver. Stable strings.</summary>
public static class WithheldReasons
{
    public const string NotAcceptedByReceiver = "not_accepted_by_receiver";
    public const string CategoryNotPermittedByAgreement = "category_not_permitted_by_agreement";
    public const string CategoryNotAuthorised = "category_not_authorised";
    public const string SpecialCategory = "special_category";
    /// <summary>The field was kept, but personal data in its free text was replaced before storage.</summary>
    public const string PersonalDataRedacted = "personal_data_redacted";
}

public sealed record WithheldValue(string Field, string Reason);

public sealed record MinimisationResult(IReadOnlyDictionary<string, string> Kept, IReadOnlyList<WithheldValue> Withheld);

/// <summary>
/// Minimisation (rule 4): what is stored and shown to the receiver is the intersection of what
/// the submitter sent, what the receiver's intake policy accepts, what the agreement permits and
/// what the customer authorised. Everything else is dropped here, before anything is stored, with
/// the first reason that excluded it.
/// </summary>
public static class Minimisation
{
    public static MinimisationResult Apply(
        IReadOnlyDictionary<string, string> submitted,
        IReadOnlyCollection<string> receiverAccepts,
        IReadOnlyCollection<DataCategory> agreementPermits,
        IReadOnlyCollection<DataCategory> authorised)
    {
        var kept = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var withheld = new List<WithheldValue>();
        foreach (var (name, value) in submitted.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var field = FieldCatalogue.Find(name) ?? throw new ArgumentException($"'{name}' is not a catalogue field; validate before minimising.", nameof(submitted));
            var reason = field.Category == DataCategory.Special ? WithheldReasons.SpecialCategory
                : !receiverAccepts.Contains(name) ? WithheldReasons.NotAcceptedByReceiver
                : !agreementPermits.Contains(field.Category) ? WithheldReasons.CategoryNotPermittedByAgreement
                : !authorised.Contains(field.Category) ? WithheldReasons.CategoryNotAuthorised
                : null;
            if (reason is null)
            {
                kept[name] = value;
            }
            else
            {
                withheld.Add(new WithheldValue(name, reason));
            }
        }

        return new MinimisationResult(kept, withheld);
    }
}

using Exchange.Core.Members;

namespace Exchange.Core.Cases;

/// <summary>The outcome of screening one piece of free text: the text to store, or a refusal.</summary>
public sealed record ScreenedText(string? Text, bool Redacted, Refusal? Refusal);

/// <summary>
/// Applies a reading member's free-text policy to text written on a case after submission (notes,
/// questions, answers, reasons, resolutions): personal data is redacted, or the text refused.
/// Submission fields go through <see cref="CaseSubmissionRules"/>, which uses the same scanner.
/// </summary>
public static class FreeTextScreening
{
    public static ScreenedText Screen(string field, string? text, FreeTextPersonalDataPolicy readerPolicy)
    {
        if (string.IsNullOrEmpty(text))
        {
            return new ScreenedText(text, false, null);
        }

        var scan = PersonalDataScanner.Scan(text);
        if (!scan.Found)
        {
            return new ScreenedText(text, false, null);
        }

        return readerPolicy == FreeTextPersonalDataPolicy.Refuse
            ? new ScreenedText(null, false, new Refusal(RefusalCodes.PersonalDataInFreeText,
                $"The other member refuses personal data in free text; found in: {field} ({string.Join(", ", scan.Kinds.Select(PersonalDataScanner.KindName))})."))
            : new ScreenedText(scan.Redacted, true, null);
    }
}

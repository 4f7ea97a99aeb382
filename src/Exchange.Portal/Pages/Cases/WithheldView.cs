using Exchange.Portal.Api;

namespace Exchange.Portal.Pages.Cases;

/// <summary>
/// What minimisation did to a request's fields, for the `_Withheld` partial: fields passed on with
/// personal data in their text replaced are told apart from fields not passed on at all.
/// </summary>
/// <param name="Id">The id prefix of the partial's lists (`{Id}-redacted`, `{Id}-withheld`).</param>
/// <param name="Receiver">Said to the receiver ("not passed on to you") rather than to the submitter.</param>
public sealed record WithheldView(IReadOnlyList<WithheldFieldDto> Items, string Id, bool Receiver = false)
{
    public IReadOnlyList<WithheldFieldDto> Redacted => Items.Where(i => i.PassedOn).ToList();

    public IReadOnlyList<WithheldFieldDto> NotPassedOn => Items.Where(i => !i.PassedOn).ToList();

    /// <summary>"passed on with the phone number and e-mail address redacted", or in general words when the kinds are not known.</summary>
    public static string RedactedText(WithheldFieldDto item, bool receiver)
    {
        var to = receiver ? " to you" : "";
        return item.Redacted is { Count: > 0 } kinds
            ? $"Passed on{to} with the {Join(kinds.Select(KindName).ToList())} redacted."
            : $"Passed on{to} with personal data replaced by [redacted:…] in its text.";
    }

    public static string KindName(string kind) => kind switch
    {
        "email" => "e-mail address",
        "phone" => "phone number",
        "ip_address" => "IP address",
        "payment_card" => "payment card number",
        "national_identifier" => "national identifier",
        _ => kind.Replace('_', ' '),
    };

    private static string Join(IReadOnlyList<string> words) =>
        words.Count <= 1 ? string.Concat(words) : string.Join(", ", words.Take(words.Count - 1)) + " and " + words[^1];
}

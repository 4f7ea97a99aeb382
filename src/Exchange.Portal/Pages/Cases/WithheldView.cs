using System.Text.RegularExpressions;
using Exchange.Portal.Api;

namespace Exchange.Portal.Pages.Cases;

/// <summary>
/// What minimisation did to a request's fields, for the `_Withheld` partial: fields passed on with
/// personal data in their text replaced are told apart from fields not passed on at all.
/// </summary>
/// <param name="Id">The id prefix of the partial's lists (`{Id}-redacted`, `{Id}-withheld`).</param>
/// <param name="Receiver">Said to the receiver ("not passed on to you") rather than to the submitter.</param>
/// <param name="Fields">The values as passed on, where the API's `[redacted:phone]` marks show which kinds were replaced.</param>
public sealed partial record WithheldView(IReadOnlyList<WithheldFieldDto> Items, string Id, bool Receiver = false, IReadOnlyDictionary<string, string>? Fields = null)
{
    public IReadOnlyList<WithheldFieldDto> Redacted => Items.Where(i => i.PassedOn).ToList();

    public IReadOnlyList<WithheldFieldDto> NotPassedOn => Items.Where(i => !i.PassedOn).ToList();

    /// <summary>"Passed on with the phone number and e-mail address redacted.", from the marks the API left in the text.</summary>
    public string RedactedText(WithheldFieldDto item)
    {
        var to = Receiver ? " to you" : "";
        var kinds = Fields?.GetValueOrDefault(item.Field) is { } text
            ? Placeholder().Matches(text).Select(m => m.Groups[1].Value).Distinct().Select(KindName).ToList()
            : [];
        return kinds.Count > 0
            ? $"Passed on{to} with the {Join(kinds)} redacted."
            : $"Passed on{to} with personal data replaced in its text.";
    }

    [GeneratedRegex(@"\[redacted:([a-z_]+)\]")]
    private static partial Regex Placeholder();

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

using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Exchange.Core.Cases;

public enum PersonalDataKind
{
    Email,
    Phone,
    IpAddress,
    PaymentCard,
    NationalIdentifier,
}

public sealed record PersonalDataMatch(PersonalDataKind Kind, int Start, int Length);

/// <summary>What a scan found and the text with every finding replaced.</summary>
public sealed record ScanResult(string Redacted, IReadOnlyList<PersonalDataMatch> Matches)
{
    public bool Found => Matches.Count > 0;

    public IReadOnlyList<PersonalDataKind> Kinds => Matches.Select(m => m.Kind).Distinct().Order().ToList();
}

/// <summary>
/// The one scanner for personal data in free text (summaries, descriptions, logs, notes): e-mail
/// addresses, phone numbers, IPv4 and IPv6 addresses, payment card numbers (Luhn-checked) and
/// national identifiers (IBAN with its mod-97 check, UK National Insurance numbers, US Social
/// Security numbers). Candidates are found by pattern and confirmed by a check where one exists,
/// so version numbers and dates do not read as phone or card numbers. It errs on the side of
/// redacting: a dotted quad that is really a version number is still an IPv4 address here.
/// </summary>
public static partial class PersonalDataScanner
{
    private const string Placeholder = "[redacted:{0}]";

    public static ScanResult Scan(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<PersonalDataMatch>();

        // Most specific first: a later candidate overlapping an earlier finding is dropped.
        Add(found, EmailPattern(), text, PersonalDataKind.Email, _ => true);
        Add(found, IbanPattern(), text, PersonalDataKind.NationalIdentifier, IsValidIban);
        Add(found, NinoPattern(), text, PersonalDataKind.NationalIdentifier, _ => true);
        Add(found, SsnPattern(), text, PersonalDataKind.NationalIdentifier, _ => true);
        Add(found, CardPattern(), text, PersonalDataKind.PaymentCard, IsLuhnCard);
        Add(found, Ipv6Candidate(), text, PersonalDataKind.IpAddress, IsIpv6);
        Add(found, Ipv4Pattern(), text, PersonalDataKind.IpAddress, _ => true);
        Add(found, PhonePattern(), text, PersonalDataKind.Phone, IsPlausiblePhone);

        found.Sort((a, b) => a.Start.CompareTo(b.Start));
        return new ScanResult(Redact(text, found), found);
    }

    public static string PlaceholderFor(PersonalDataKind kind) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, Placeholder, KindName(kind));

    public static string KindName(PersonalDataKind kind) => kind switch
    {
        PersonalDataKind.Email => "email",
        PersonalDataKind.Phone => "phone",
        PersonalDataKind.IpAddress => "ip_address",
        PersonalDataKind.PaymentCard => "payment_card",
        PersonalDataKind.NationalIdentifier => "national_identifier",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static bool IsLuhnValid(string digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (d is < 0 or > 9)
            {
                return false;
            }

            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return digits.Length > 0 && sum % 10 == 0;
    }

    public static bool IsValidIban(string candidate)
    {
        var iban = candidate.Replace(" ", "", StringComparison.Ordinal);
        if (iban.Length is < 15 or > 34)
        {
            return false;
        }

        // ISO 13616: move the country code and check digits to the end, letters to numbers, mod 97 == 1.
        var rearranged = iban[4..] + iban[..4];
        var remainder = 0;
        foreach (var c in rearranged)
        {
            var value = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetterUpper(c) ? c - 'A' + 10 : -1;
            if (value < 0)
            {
                return false;
            }

            remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
        }

        return remainder == 1;
    }

    /// <summary>
    /// Adds each candidate the check confirms. A candidate that fails may have swallowed a
    /// neighbouring group ("4111 1111 1111 1111 2065" before a date), so it is retried cut back at
    /// its separators, and then from its next character ("992 4111 1111 ...").
    /// </summary>
    private static void Add(List<PersonalDataMatch> found, Regex pattern, string text, PersonalDataKind kind, Func<string, bool> confirm)
    {
        var match = pattern.Match(text);
        while (match.Success)
        {
            var length = AcceptedLength(match.Value, confirm);
            var overlaps = found.Any(f => match.Index < f.Start + f.Length && f.Start < match.Index + length);
            if (length > 0 && !overlaps)
            {
                found.Add(new PersonalDataMatch(kind, match.Index, length));
                match = match.Index + length < text.Length ? pattern.Match(text, match.Index + length) : Match.Empty;
            }
            else
            {
                match = match.Index + 1 < text.Length ? pattern.Match(text, match.Index + 1) : Match.Empty;
            }
        }
    }

    private static int AcceptedLength(string candidate, Func<string, bool> confirm)
    {
        var length = candidate.Length;
        while (length > 0)
        {
            var prefix = candidate[..length].TrimEnd(' ', '-', '.', '(', ')');
            if (prefix.Length > 0 && confirm(prefix))
            {
                return prefix.Length;
            }

            length = prefix.LastIndexOfAny([' ', '-', '.']);
        }

        return 0;
    }

    private static string Redact(string text, List<PersonalDataMatch> sorted)
    {
        if (sorted.Count == 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var position = 0;
        foreach (var match in sorted)
        {
            builder.Append(text, position, match.Start - position).Append(PlaceholderFor(match.Kind));
            position = match.Start + match.Length;
        }

        return builder.Append(text, position, text.Length - position).ToString();
    }

    private static bool IsLuhnCard(string candidate)
    {
        var digits = new string(candidate.Where(char.IsAsciiDigit).ToArray());
        return digits.Length is >= 13 and <= 19 && IsLuhnValid(digits);
    }

    private static bool IsIpv6(string candidate) =>
        candidate.Count(c => c == ':') >= 2
        && IPAddress.TryParse(candidate, out var address)
        && address.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>
    /// E.164 allows at most 15 digits, and a number is written with one kind of separator after the
    /// country or area code ("+1 484.313.6865"), so a trailing date or time is not part of it.
    /// </summary>
    private static bool IsPlausiblePhone(string candidate)
    {
        var digits = candidate.Count(char.IsAsciiDigit);
        var separators = candidate.Where(c => c is ' ' or '.' or '-').Skip(1).Distinct().Count();
        return digits is >= 8 and <= 15 && separators <= 1;
    }

    // Timeouts bound the work on hostile input; field lengths are capped by the catalogue as well.
    private const int TimeoutMs = 1000;

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex IbanPattern();

    // UK National Insurance number: two prefix letters (some never used), six digits, suffix A-D.
    [GeneratedRegex(@"(?<![A-Za-z0-9])[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D](?![A-Za-z0-9])", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex NinoPattern();

    // US Social Security number: area never 000, 666 or 9xx; group never 00; serial never 0000.
    [GeneratedRegex(@"(?<![0-9\-])(?!000|666|9[0-9]{2})[0-9]{3}[\- ](?!00)[0-9]{2}[\- ](?!0000)[0-9]{4}(?![0-9\-])", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex SsnPattern();

    // 13 to 19 digits written as card numbers are: in one run, in groups of four (4-4-4-4, 4-4-4-4-3)
    // or Amex's and Diners' 4-6-5 and 4-6-4, with one separator throughout.
    [GeneratedRegex(@"(?<![0-9])(?:[0-9]{13,19}|[0-9]{4}([ \-])[0-9]{4}\1[0-9]{4}\1[0-9]{4}(?:\1[0-9]{3})?|[0-9]{4}([ \-])[0-9]{6}\2[0-9]{4,5})(?![0-9])", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex CardPattern();

    [GeneratedRegex(@"(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|(?:[0-9]{1,3}\.){3}[0-9]{1,3})(?![0-9A-Fa-f:])", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex Ipv6Candidate();

    [GeneratedRegex(@"(?<![0-9.])(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?![0-9]|\.[0-9])", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex Ipv4Pattern();

    // International (+ or 00 prefix), national trunk (leading 0) and North American (3-3-4) shapes.
    // Plain digit runs and ISO dates do not match: they start with neither + nor 0 and lack the 3-3-4 shape.
    [GeneratedRegex(@"(?<![0-9A-Za-z+])(?:(?:\+|00)[1-9][0-9]{0,2}(?:[ .\-]?\(?[0-9]{1,5}\)?){2,6}|0[1-9][0-9]{1,4}[ .\-]?[0-9]{3,4}[ .\-]?[0-9]{3,4}|\(?[2-9][0-9]{2}\)?[ .\-][0-9]{3}[ .\-][0-9]{4})(?![0-9A-Za-z])", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex PhonePattern();
}

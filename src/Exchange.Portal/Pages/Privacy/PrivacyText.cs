using System.Globalization;

namespace Exchange.Portal.Pages.Privacy;

/// <summary>How the privacy pages write dates and the rights.</summary>
public static class PrivacyText
{
    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "";

    public static IReadOnlyList<(string Value, string Label)> Rights { get; } =
    [
        ("access", "Access (a copy of their data)"),
        ("rectification", "Rectification (correct their data)"),
        ("restriction", "Restriction (keep but stop sharing)"),
        ("objection", "Objection (stop sharing)"),
        ("erasure", "Erasure (delete their data)"),
    ];
}

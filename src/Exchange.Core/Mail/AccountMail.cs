using System.Globalization;

namespace Exchange.Core.Mail;

/// <summary>
/// What the account mails say: an invitation to set a first password, and a password reset. Each
/// carries one single-use, expiring link to Identity; nothing else about the account or the member's
/// cases, since mail may be forwarded. Case events are composed beside this, in <see cref="CaseMail"/>.
/// </summary>
public static class AccountMail
{
    public static (string Subject, string Body) Invitation(string displayName, string memberName, Uri link, TimeSpan validFor) =>
        ("You are invited to the Support Collaboration Exchange", $"""
            Hello {displayName},

            {memberName} invited you to the Support Collaboration Exchange, where vendors' support engineers work on shared customers' cases together.

            Set your password here; the link works once, for {Describe(validFor)}:
            {link}

            Then sign in to the portal with this e-mail address and that password.
            If you did not expect this invitation, ignore this message: nothing happens without the link.
            """);

    public static (string Subject, string Body) PasswordReset(string displayName, Uri link, TimeSpan validFor) =>
        ("Reset your Support Collaboration Exchange password", $"""
            Hello {displayName},

            Someone asked to reset the password of your account on the Support Collaboration Exchange.
            To choose a new password, open this link; it works once, for {Describe(validFor)}:
            {link}

            Setting a new password signs you out everywhere else.
            If it was not you, ignore this message: your password stays as it is.
            """);

    /// <summary>A lifetime in the largest whole unit that fits: "30 minutes", "3 days".</summary>
    public static string Describe(TimeSpan span) =>
        span.TotalDays >= 1 && span.TotalDays % 1 == 0 ? Plural((int)span.TotalDays, "day")
        : span.TotalHours >= 1 && span.TotalHours % 1 == 0 ? Plural((int)span.TotalHours, "hour")
        : Plural((int)Math.Ceiling(span.TotalMinutes), "minute");

    private static string Plural(int count, string unit) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + unit + (count == 1 ? "" : "s");
}

using Exchange.Core.Webhooks;
using MimeKit;

namespace Exchange.Core.Mail;

/// <summary>Which side of a case an event's mail goes to.</summary>
public enum MailAudience
{
    Receiver,
    BothSides,
    /// <summary>The members the event itself names (a data-subject request goes to the other member only).</summary>
    EventRecipients,
}

/// <summary>
/// The one place that says which case events people are told of by e-mail, whom, and what the mail
/// says. A mail names the event, the case id and the other member, and links to the case in the
/// portal, where need-to-know is checked at sign-in: never a field, note or customer detail, since
/// mail leaves the exchange's protection and may be forwarded.
/// </summary>
public static class CaseMail
{
    /// <summary>The events that send mail, with their audience. Engineers of that side receive it.</summary>
    public static readonly IReadOnlyDictionary<string, MailAudience> Events = new Dictionary<string, MailAudience>(StringComparer.Ordinal)
    {
        [CaseEvents.Created] = MailAudience.Receiver,
        [CaseEvents.DeadlinePassed] = MailAudience.BothSides,
        [CaseEvents.Halted] = MailAudience.BothSides,
        [CaseEvents.Withdrawn] = MailAudience.Receiver,
        [CaseEvents.DataSubjectRequest] = MailAudience.EventRecipients,
    };

    public static IReadOnlyList<string> Mailed { get; } = Events.Keys.ToList();

    /// <summary>The members whose engineers are told of <paramref name="eventType"/> on a case between these two.</summary>
    public static IReadOnlyList<string> RecipientsOf(string eventType, string submittingMemberId, string receivingMemberId, IReadOnlyList<string> eventRecipients) =>
        Events.TryGetValue(eventType, out var audience)
            ? audience switch
            {
                MailAudience.Receiver => [receivingMemberId],
                MailAudience.BothSides => [submittingMemberId, receivingMemberId],
                _ => eventRecipients.Where(m => m == submittingMemberId || m == receivingMemberId).ToList(),
            }
            : [];

    /// <summary>The subject and plain-text body of the mail to a user of <paramref name="recipientMemberId"/>.</summary>
    public static (string Subject, string Body) Compose(
        string eventType, Guid caseId, string recipientMemberId, string submittingMemberName, string receivingMemberName,
        string submittingMemberId, Uri? portalUrl)
    {
        var other = recipientMemberId == submittingMemberId ? receivingMemberName : submittingMemberName;
        var (subject, lead) = eventType switch
        {
            CaseEvents.Created => ($"New collaboration request from {submittingMemberName}", $"{submittingMemberName} opened a collaboration request with your organisation."),
            CaseEvents.DeadlinePassed => ("A collaboration request passed its response deadline", $"A collaboration request with {other} passed its response deadline without an answer."),
            CaseEvents.Halted => ("A collaboration request was halted", $"A collaboration request with {other} was halted: the agreement or the customer's authorisation no longer covers it. Its data will be purged."),
            CaseEvents.Withdrawn => ($"{submittingMemberName} withdrew a collaboration request", $"{submittingMemberName} withdrew a collaboration request it had opened with your organisation: it no longer needs your help, and no further action is needed. Its data will be purged after the retention period."),
            CaseEvents.DataSubjectRequest => ("A data-subject request concerns a shared case", $"{other} acted on a request from a person whose data is in a case you share (access, correction, restriction, objection or erasure). See the case in the portal for what it means for your side."),
            _ => throw new ArgumentException($"No mail for {eventType}.", nameof(eventType)),
        };
        var link = portalUrl is null ? "Open the exchange's portal to see it." : $"Open it in the portal: {new Uri(portalUrl, $"Cases/{caseId:D}")}";
        var body = $"""
            {lead}

            Case: {caseId:D}
            {link}

            The details are in the portal only, where you sign in; this message carries none of them.
            You receive this because you are an engineer of your organisation on the Support Collaboration Exchange.
            """;
        return (subject, body);
    }

    /// <summary>The message as MimeKit builds it: plain text, UTF-8, one recipient.</summary>
    public static MimeMessage Message(MailOptions options, string to, string toName, string subject, string body)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(options.FromName, options.From));
        message.To.Add(new MailboxAddress(toName, to));
        message.Subject = subject;
        // Machine-sent: no out-of-office replies back to the exchange (RFC 3834).
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }
}

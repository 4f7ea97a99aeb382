using System.Text.Json;
using Exchange.Core.Cases;

namespace Exchange.Core.Webhooks;

/// <summary>
/// The case events members can subscribe to, and the one way to announce them: an outbox row
/// added to the same context (and so the same transaction) as the change itself.
/// </summary>
public static class CaseEvents
{
    public const string Created = "case.created";
    public const string Accepted = "case.accepted";
    public const string InformationRequested = "case.information_requested";
    public const string InformationProvided = "case.information_provided";
    public const string Rejected = "case.rejected";
    public const string Resolved = "case.resolved";
    public const string Halted = "case.halted";
    public const string Withdrawn = "case.withdrawn";
    public const string NoteAdded = "case.note_added";
    public const string Purged = "case.purged";
    public const string DeadlinePassed = "case.deadline_passed";
    public const string DataSubjectRequest = "case.data_subject_request";
    public const string AgreementExpiring = "agreement.expiring";

    /// <summary>A test event a member admin sends to one endpoint; no endpoint subscribes to it, it is never sent otherwise.</summary>
    public const string Ping = "webhook.ping";

    public static readonly IReadOnlyList<string> All =
        [Created, Accepted, InformationRequested, InformationProvided, Rejected, Resolved, Halted, Withdrawn, NoteAdded, Purged, DeadlinePassed, DataSubjectRequest, AgreementExpiring];

    /// <summary>
    /// A thin payload in the Standard Webhooks shape: ids only. Receivers fetch the details through
    /// the API, where need-to-know is checked at read time.
    /// </summary>
    public static OutboxMessage ForCase(string eventType, Guid caseId, string submittingMemberId, string receivingMemberId, DateTime now) => new()
    {
        EventType = eventType,
        CaseId = caseId,
        RecipientMemberIds = [submittingMemberId, receivingMemberId],
        OccurredAt = now,
        Payload = JsonSerializer.Serialize(new
        {
            type = eventType,
            timestamp = now.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            data = new { caseId },
        }),
    };

    public static OutboxMessage ForCase(string eventType, CollaborationCase collaboration, DateTime now) =>
        ForCase(eventType, collaboration.Id, collaboration.SubmittingMemberId, collaboration.ReceivingMemberId, now);

    /// <summary>An agreement event for its member parties (the operator receives no webhooks).</summary>
    public static OutboxMessage ForAgreement(string eventType, Guid agreementId, IEnumerable<string> memberIds, DateTime now) => new()
    {
        EventType = eventType,
        RecipientMemberIds = memberIds.Distinct().ToList(),
        OccurredAt = now,
        Payload = JsonSerializer.Serialize(new
        {
            type = eventType,
            timestamp = now.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            data = new { agreementId },
        }),
    };

    /// <summary>A case event for some of its members only, e.g. a purge re-notified to those that have not confirmed.</summary>
    public static OutboxMessage ForCaseMembers(string eventType, Guid caseId, IEnumerable<string> memberIds, DateTime now)
    {
        var message = ForCase(eventType, caseId, "", "", now);
        return new OutboxMessage
        {
            Id = message.Id,
            EventType = message.EventType,
            CaseId = caseId,
            RecipientMemberIds = memberIds.Distinct().ToList(),
            OccurredAt = now,
            Payload = message.Payload,
        };
    }

    /// <summary>A test event through the outbox and the normal delivery path, to one endpoint of the member only.</summary>
    public static OutboxMessage ForTest(WebhookSubscription subscription, DateTime now)
    {
        var id = Guid.CreateVersion7();
        return new OutboxMessage
        {
            Id = id,
            EventType = Ping,
            RecipientMemberIds = [subscription.MemberId],
            SubscriptionId = subscription.Id,
            OccurredAt = now,
            Payload = JsonSerializer.Serialize(new
            {
                type = Ping,
                timestamp = now.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
                data = new { subscriptionId = subscription.Id, testId = id },
            }),
        };
    }

    /// <summary>
    /// Tells the other member of a case that a data subject exercised a right on it: the case and the
    /// right (`access`, `rectification`, `restriction`, `objection`, `erasure`, or `lifted`), never who.
    /// </summary>
    public static OutboxMessage ForDataSubjectRequest(Guid caseId, string memberId, string right, DateTime now) => new()
    {
        EventType = DataSubjectRequest,
        CaseId = caseId,
        RecipientMemberIds = [memberId],
        OccurredAt = now,
        Payload = JsonSerializer.Serialize(new
        {
            type = DataSubjectRequest,
            timestamp = now.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            data = new { caseId, right },
        }),
    };
}

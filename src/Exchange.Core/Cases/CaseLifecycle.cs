using Exchange.Core.Members;
using Exchange.Core.Webhooks;

namespace Exchange.Core.Cases;

public enum CaseAction
{
    Accept,
    Reject,
    RequestInformation,
    ProvideInformation,
    Resolve,
    AddNote,
    Withdraw,
    Halt,
}

/// <summary>Which side of a case the caller is on. The system (jobs, withdrawals) is neither member.</summary>
public enum CaseSide
{
    Submitter,
    Receiver,
    System,
}

/// <summary>
/// The case state machine, the one place that decides which side may do what in which state and
/// that moves a case: every change goes through <see cref="Apply"/> (or <see cref="Halt"/>), which
/// also sets the deadline, the conclusion and purge times and a new <see cref="CollaborationCase.Version"/>.
///
/// submitted -> accepted | information_requested | rejected; information_requested -> submitted;
/// accepted -> resolved; any open state -> withdrawn (by the submitter) | halted (by the system).
/// <see cref="AllowedActions"/> tells a caller what it may do now, from the same table <see cref="Check"/> uses.
/// </summary>
public static class CaseLifecycle
{
    public static CaseSide? SideOf(CollaborationCase collaboration, string memberId) =>
        memberId == collaboration.SubmittingMemberId ? CaseSide.Submitter
        : memberId == collaboration.ReceivingMemberId ? CaseSide.Receiver
        : null;

    private static readonly CaseStatus[] OpenStates = [CaseStatus.Submitted, CaseStatus.InformationRequested, CaseStatus.Accepted];

    /// <summary>The actions a member's user or system acts with, in the order a page offers them.</summary>
    public static readonly IReadOnlyList<CaseAction> MemberActions =
        [CaseAction.Accept, CaseAction.RequestInformation, CaseAction.Reject, CaseAction.ProvideInformation, CaseAction.Resolve, CaseAction.AddNote, CaseAction.Withdraw];

    /// <summary>
    /// What <paramref name="side"/> may do to the case now, by the same rule <see cref="Check"/> applies:
    /// the API shows it on the case so that no client re-implements the lifecycle. A caller that may
    /// not change cases at all (no write scope or role) gets none.
    /// </summary>
    public static IReadOnlyList<CaseAction> AllowedActions(CollaborationCase collaboration, CaseSide? side, bool mayChange) =>
        side is { } s && mayChange ? MemberActions.Where(a => Check(collaboration, a, s) is null).ToList() : [];

    /// <summary>An action's name in the API (`accept`, `request_information`, `withdraw`, ...).</summary>
    public static string ActionApiName(CaseAction action) => action switch
    {
        CaseAction.RequestInformation => "request_information",
        CaseAction.ProvideInformation => "provide_information",
        CaseAction.AddNote => "add_note",
        _ => action.ToString().ToLowerInvariant(),
    };

    /// <summary>Null when <paramref name="side"/> may do <paramref name="action"/> now; otherwise why not.</summary>
    public static Refusal? Check(CollaborationCase collaboration, CaseAction action, CaseSide side)
    {
        var (allowedSides, fromStates) = action switch
        {
            CaseAction.Accept => (new[] { CaseSide.Receiver }, new[] { CaseStatus.Submitted }),
            CaseAction.Reject => ([CaseSide.Receiver], [CaseStatus.Submitted]),
            CaseAction.RequestInformation => ([CaseSide.Receiver], [CaseStatus.Submitted]),
            CaseAction.ProvideInformation => ([CaseSide.Submitter], [CaseStatus.InformationRequested]),
            CaseAction.Resolve => ([CaseSide.Submitter, CaseSide.Receiver], [CaseStatus.Accepted]),
            CaseAction.AddNote => ([CaseSide.Submitter, CaseSide.Receiver], OpenStates),
            CaseAction.Withdraw => ([CaseSide.Submitter], OpenStates),
            CaseAction.Halt => ([CaseSide.System], OpenStates),
            _ => throw new ArgumentOutOfRangeException(nameof(action)),
        };

        if (!allowedSides.Contains(side))
        {
            return new Refusal(RefusalCodes.SideNotPermitted,
                $"Only the {string.Join(" or ", allowedSides.Select(s => s.ToString().ToLowerInvariant()))} may {ActionName(action)} a case.", RefusalKind.Forbidden);
        }

        return fromStates.Contains(collaboration.Status)
            ? null
            : new Refusal(RefusalCodes.InvalidTransition,
                $"A case in state {StatusName(collaboration.Status)} cannot {ActionName(action)}; allowed from: {string.Join(", ", fromStates.Select(StatusName))}.", RefusalKind.Conflict);
    }

    /// <summary>
    /// Moves the case for <paramref name="action"/> (checked by <see cref="Check"/> first) and returns
    /// the event to put in the outbox. Notes change no state and return <see cref="CaseEvents.NoteAdded"/>.
    /// </summary>
    public static string Apply(CollaborationCase collaboration, CaseAction action, CaseSide side, CaseTimes times)
    {
        var refusal = Check(collaboration, action, side);
        if (refusal is not null)
        {
            throw new InvalidOperationException($"Checked transitions only: {refusal.Code}.");
        }

        var (status, eventType) = action switch
        {
            CaseAction.Accept => (CaseStatus.Accepted, CaseEvents.Accepted),
            CaseAction.Reject => (CaseStatus.Rejected, CaseEvents.Rejected),
            CaseAction.RequestInformation => (CaseStatus.InformationRequested, CaseEvents.InformationRequested),
            CaseAction.ProvideInformation => (CaseStatus.Submitted, CaseEvents.InformationProvided),
            CaseAction.Resolve => (CaseStatus.Resolved, CaseEvents.Resolved),
            CaseAction.Halt => (CaseStatus.Halted, CaseEvents.Halted),
            CaseAction.Withdraw => (CaseStatus.Withdrawn, CaseEvents.Withdrawn),
            CaseAction.AddNote => (collaboration.Status, CaseEvents.NoteAdded),
            _ => throw new ArgumentOutOfRangeException(nameof(action)),
        };

        if (action == CaseAction.AddNote)
        {
            collaboration.UpdatedAt = times.Now;
            collaboration.Version = Guid.NewGuid();
            return eventType;
        }

        // The receiver's first answer, and whether it came by the deadline then running: kept on the tombstone.
        if (side == CaseSide.Receiver && collaboration.RespondedAt is null && action is CaseAction.Accept or CaseAction.Reject or CaseAction.RequestInformation)
        {
            collaboration.RespondedAt = times.Now;
            collaboration.RespondedInTime = collaboration.ResponseDueAt is not { } due || times.Now <= due;
        }

        MoveTo(collaboration, status, times);
        return eventType;
    }

    /// <summary>
    /// Closes an open case nobody has touched for the inactivity period as resolved, as the submitter
    /// would: from any open state, since an abandoned request needs no answer. A no-op for concluded cases.
    /// </summary>
    public static bool CloseInactive(CollaborationCase collaboration, CaseTimes times)
    {
        if (!collaboration.IsOpen)
        {
            return false;
        }

        MoveTo(collaboration, CaseStatus.Resolved, times);
        return true;
    }

    /// <summary>Enters a state: the new version, the deadline of an open state, or the purge clock of a concluded one.</summary>
    private static void MoveTo(CollaborationCase collaboration, CaseStatus status, CaseTimes times)
    {
        collaboration.Status = status;
        collaboration.UpdatedAt = times.Now;
        collaboration.Version = Guid.NewGuid();
        if (collaboration.IsOpen)
        {
            collaboration.ResponseDueAt = ResponseDue(times.ReceiverPolicy, collaboration.Severity, times.Now);
            collaboration.DeadlineNotifiedAt = null;
        }
        else
        {
            collaboration.ResponseDueAt = null;
            collaboration.ConcludedAt = times.Now;
            // The purge time commits with the conclusion; the Jobs service turns it into a scheduled
            // purge job (CasePurgeScheduler), so no conclusion can commit without its purge.
            collaboration.PurgeDueAt = times.PurgeImmediately ? times.Now : times.Now + times.Retention;
        }
    }

    /// <summary>Halts an open case (authorisation withdrawn, agreement ended); a no-op for concluded cases.</summary>
    public static bool Halt(CollaborationCase collaboration, string reason, CaseTimes times)
    {
        if (!collaboration.IsOpen)
        {
            return false;
        }

        Apply(collaboration, CaseAction.Halt, CaseSide.System, times);
        collaboration.HaltReason = reason;
        return true;
    }

    /// <summary>The response deadline for a state: the receiver's target for the severity, if it set one.</summary>
    public static DateTime? ResponseDue(IntakePolicy receiverPolicy, int severity, DateTime now) =>
        receiverPolicy.ResponseTargets.TryGetValue(severity, out var target) ? now + target : null;

    /// <summary>The shorter of the two members' retentions, each falling back to the exchange default.</summary>
    public static TimeSpan Retention(Member submitter, Member receiver, TimeSpan exchangeDefault)
    {
        var a = submitter.Retention ?? exchangeDefault;
        var b = receiver.Retention ?? exchangeDefault;
        return a < b ? a : b;
    }

    public static string StatusName(CaseStatus status) => status switch
    {
        CaseStatus.InformationRequested => "information_requested",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static string ActionName(CaseAction action) => action switch
    {
        CaseAction.RequestInformation => "request information on",
        CaseAction.ProvideInformation => "provide information on",
        CaseAction.AddNote => "add a note to",
        _ => action.ToString().ToLowerInvariant(),
    };
}

/// <summary>The clock and the two members' settings a transition needs for deadlines and purge.</summary>
public sealed record CaseTimes(DateTime Now, IntakePolicy ReceiverPolicy, TimeSpan Retention, bool PurgeImmediately = false)
{
    public static CaseTimes For(DateTime now, Member submitter, Member receiver, TimeSpan exchangeDefault, bool purgeImmediately = false) =>
        new(now, receiver.IntakePolicy, CaseLifecycle.Retention(submitter, receiver, exchangeDefault), purgeImmediately);
}

public static class StoredTime
{
    /// <summary>
    /// Now, cut to microseconds: the finest PostgreSQL keeps. A timestamp returned in a response is
    /// then the one a later read returns, so replays and ETag-bearing reads match byte for byte.
    /// </summary>
    public static DateTime UtcNowStored(this TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - now.Ticks % 10, DateTimeKind.Utc);
    }
}

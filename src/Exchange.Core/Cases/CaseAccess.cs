using Exchange.Core.Content;
using Exchange.Core.Data;
using Exchange.Core.Members;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Core.Cases;

/// <summary>What a procedure that lets operator staff read case content is: a data-subject request or a breach assessment.</summary>
public enum CaseProcedure
{
    DataSubjectRequest,
    BreachAssessment,
}

/// <summary>
/// Need-to-know (rule 5), in one place: which cases a caller may see and whether it may read their
/// content. A member sees the cases it submitted or received, content included; operator staff see
/// every case's metadata and no content; operator staff inside a procedure (a data-subject request or
/// a breach assessment, <see cref="WithinProcedure"/>) see the content of the cases the procedure
/// concerns, and every such read is audited with the procedure's id (<see cref="AuditDetails"/>).
/// Every case, note, audit, list and export path filters with <see cref="Cases(IQueryable{CollaborationCase})"/>
/// or checks with <see cref="Sees(string, string)"/>, and unlocks content with <see cref="UnlockAsync"/>
/// after it, so a case outside the filter never gets its key.
/// </summary>
public sealed class CaseAccess
{
    private CaseAccess(string? memberId, bool metadataOnly, CaseProcedure? procedure, Guid? procedureId)
    {
        MemberId = memberId;
        MetadataOnly = metadataOnly;
        Procedure = procedure;
        ProcedureId = procedureId;
    }

    /// <summary>The member whose cases are visible; null for operator staff's metadata view (every member).</summary>
    public string? MemberId { get; }

    /// <summary>Ids, members, states and timestamps only: the operator's view outside a procedure.</summary>
    public bool MetadataOnly { get; }

    public CaseProcedure? Procedure { get; }
    public Guid? ProcedureId { get; }

    /// <summary>A member's engineers, admins, privacy officers and systems: its own cases, content included.</summary>
    public static CaseAccess ForMember(string memberId) => memberId == Member.OperatorId
        ? OperatorMetadata
        : new CaseAccess(memberId, metadataOnly: false, null, null);

    /// <summary>Operator staff outside a procedure: metadata of every case, content of none, and no case by id.</summary>
    public static readonly CaseAccess OperatorMetadata = new(null, metadataOnly: true, null, null);

    /// <summary>Content of one member's cases within a procedure; each read is audited with the procedure's id.</summary>
    public static CaseAccess WithinProcedure(string memberId, CaseProcedure procedure, Guid procedureId) =>
        new(memberId, metadataOnly: false, procedure, procedureId);

    /// <summary>Content of the named cases within a procedure (a breach assessment's cases span members).</summary>
    public static CaseAccess WithinProcedure(IReadOnlyCollection<Guid> caseIds, CaseProcedure procedure, Guid procedureId) =>
        new(null, metadataOnly: false, procedure, procedureId) { _caseIds = caseIds.ToList() };

    private List<Guid>? _caseIds;

    /// <summary>The cases this caller may see (their metadata; content too unless <see cref="MetadataOnly"/>).</summary>
    public IQueryable<CollaborationCase> Cases(IQueryable<CollaborationCase> cases)
    {
        if (_caseIds is { } ids)
        {
            return cases.Where(c => ids.Contains(c.Id));
        }

        var member = MemberId;
        return member is null ? cases : cases.Where(c => c.SubmittingMemberId == member || c.ReceivingMemberId == member);
    }

    /// <summary>The tombstones this caller may see: the same rule, for purged cases.</summary>
    public IQueryable<Tombstone> Tombstones(IQueryable<Tombstone> tombstones)
    {
        if (_caseIds is { } ids)
        {
            return tombstones.Where(t => ids.Contains(t.CaseId));
        }

        var member = MemberId;
        return member is null ? tombstones : tombstones.Where(t => t.SubmittingMemberId == member || t.ReceivingMemberId == member);
    }

    /// <summary>A member's inbox (received) or outbox (sent); every visible case when null.</summary>
    public IQueryable<CollaborationCase> Box(IQueryable<CollaborationCase> cases, string? box)
    {
        var visible = Cases(cases);
        var member = MemberId;
        return (box, member) switch
        {
            ("inbox", not null) => visible.Where(c => c.ReceivingMemberId == member),
            ("outbox", not null) => visible.Where(c => c.SubmittingMemberId == member),
            _ => visible,
        };
    }

    public IQueryable<Tombstone> Box(IQueryable<Tombstone> tombstones, string? box)
    {
        var visible = Tombstones(tombstones);
        var member = MemberId;
        return (box, member) switch
        {
            ("inbox", not null) => visible.Where(t => t.ReceivingMemberId == member),
            ("outbox", not null) => visible.Where(t => t.SubmittingMemberId == member),
            _ => visible,
        };
    }

    /// <summary>
    /// The single check for one case by id: may this caller see it and its content? Operator staff
    /// outside a procedure may not (they get the same 404 as for an id that does not exist).
    /// </summary>
    public bool Sees(string submittingMemberId, string receivingMemberId, Guid? caseId = null)
    {
        if (MetadataOnly)
        {
            return false;
        }

        if (_caseIds is { } ids)
        {
            return caseId is { } id && ids.Contains(id);
        }

        return MemberId == submittingMemberId || MemberId == receivingMemberId;
    }

    public bool Sees(CollaborationCase? collaboration) =>
        collaboration is not null && Sees(collaboration.SubmittingMemberId, collaboration.ReceivingMemberId, collaboration.Id);

    /// <summary>The caller's side of a case it sees; null when it sees the case only within a procedure.</summary>
    public CaseSide? SideOf(CollaborationCase collaboration) =>
        Procedure is null && MemberId is { } member ? CaseLifecycle.SideOf(collaboration, member) : null;

    /// <summary>
    /// Whether this caller may see one case or its tombstone, by id: the check the audit trail and
    /// any path that holds only an id uses.
    /// </summary>
    public async Task<bool> SeesAsync(ExchangeDbContext db, Guid caseId, CancellationToken cancellationToken = default)
    {
        if (MetadataOnly)
        {
            return false;
        }

        return await Cases(db.Cases).AnyAsync(c => c.Id == caseId, cancellationToken)
            || await Tombstones(db.Tombstones).AnyAsync(t => t.CaseId == caseId, cancellationToken);
    }

    /// <summary>
    /// Unlocks the content of the cases of <paramref name="query"/> this caller may see, in one query
    /// with the key lookup; nothing for the operator's metadata view.
    /// </summary>
    public Task UnlockAsync(ExchangeDbContext db, IQueryable<CollaborationCase> query, CancellationToken cancellationToken = default) =>
        MetadataOnly ? Task.CompletedTask : db.UnlockAsync(Cases(query).Select(c => c.Id), cancellationToken);

    public Task UnlockAsync(ExchangeDbContext db, Guid caseId, CancellationToken cancellationToken = default) =>
        UnlockAsync(db, db.Cases.Where(c => c.Id == caseId), cancellationToken);

    /// <summary>What an audit entry of a read within a procedure records besides the usual: the procedure and its id.</summary>
    public object? AuditDetails => Procedure is null ? null : new { procedure = ProcedureName(Procedure.Value), procedureId = ProcedureId };

    public static string ProcedureName(CaseProcedure procedure) => procedure switch
    {
        CaseProcedure.DataSubjectRequest => "data_subject_request",
        _ => "breach_assessment",
    };
}

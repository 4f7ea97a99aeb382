using Exchange.Portal.Api;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Operator;

/// <summary>
/// Operator staff's home: case counts across members (never a case's content, id or reference),
/// the members and agreements, the audit chain's verification and the background jobs.
/// </summary>
public sealed class IndexModel(ExchangeApi api) : PageModel
{
    public CaseMetadataDto? Metadata { get; private set; }
    public IReadOnlyList<MemberDto> Members { get; private set; } = [];
    public IReadOnlyList<AgreementDto> Agreements { get; private set; } = [];
    public IReadOnlyList<JobDto> Jobs { get; private set; } = [];
    public AuditVerificationDto? Audit { get; private set; }
    public ApiProblem? Problem { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var metadata = await api.CaseMetadataAsync(ct);
        var members = await api.MembersAsync(ct);
        var agreements = await api.AgreementsAsync(null, ct);
        var jobs = await api.JobsAsync(ct);
        Metadata = metadata.Value;
        Members = members.Value ?? [];
        Agreements = agreements.Value ?? [];
        Jobs = jobs.Value ?? [];
        Problem = metadata.Problem ?? members.Problem ?? agreements.Problem ?? jobs.Problem;
    }

    /// <summary>Recomputes the whole chain, so only on request.</summary>
    public async Task OnPostVerifyAsync(CancellationToken ct)
    {
        var audit = await api.VerifyAuditAsync(ct);
        await OnGetAsync(ct);
        Audit = audit.Value;
        Problem ??= audit.Problem;
    }

    public int CountOf(string state) => Metadata?.Counts.Where(c => c.Status == state).Sum(c => c.Count) ?? 0;

    public (int Sent, int Received) CountsOf(string member) =>
        (Metadata?.Counts.Where(c => c.SubmittingMemberId == member).Sum(c => c.Count) ?? 0,
         Metadata?.Counts.Where(c => c.ReceivingMemberId == member).Sum(c => c.Count) ?? 0);
}

using Exchange.Api.OpenApi;
using Exchange.Api.Auth;
using Exchange.Api.Http;
using Exchange.Core.Audit;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Features.Audit;

/// <summary>One entry: <c>sequence</c> and <c>hash</c> are null until the sequencer has sealed it into the chain.</summary>
public sealed record AuditEntryDto(long Id, long? Sequence, DateTime OccurredAt, string ActorMemberId, string ActorId, string Action, string ObjectType, string? ObjectId, Guid? CaseId, string? Details, string? Hash);

public sealed record AuditCheckpointDto(long Sequence, string HeadHash, DateTime SignedAt, string KeyId, bool SignatureValid);

/// <summary>
/// What verification found: intact or not, the sealed entries verified, the first broken link in the
/// chain, the entries awaiting sealing and the first of them that no longer matches its content hash,
/// the age of the oldest of them (seconds), and the latest signed checkpoint.
/// </summary>
public sealed record AuditVerificationDto(bool Intact, long Entries, long? FirstBrokenSequence, long Unsealed, long? FirstTamperedUnsealedId,
    double SealingLagSeconds, AuditCheckpointDto? Checkpoint);

/// <summary>
/// The latest signed checkpoint with what an auditor needs to check it offline: the statement signed
/// (UTF-8), the ECDSA P-256 / SHA-256 signature in IEEE P1363 form (base64) and the public key (PEM).
/// </summary>
public sealed record SignedCheckpointDto(long Sequence, string HeadHash, DateTime SignedAt, string KeyId, string Algorithm,
    string Statement, string Signature, string PublicKeyPem);

public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/audit").WithTags("Audit");
        group.MapGet("/", ForCase).RequireAuthorization(ApiPolicies.CasesRead)
            .Describe("listCaseAuditEntries", "Read a case's audit trail", "The hash-chained audit entries of one case the caller is a member of: ids and actions, never personal data.");
        group.MapGet("/verify", Verify).RequireAuthorization(ApiPolicies.Operator)
            .Describe("verifyAuditChain", "Verify the audit chain", "Recomputes the whole audit chain, checks the latest signed checkpoint, checks the entries not yet sealed against their content hashes and reports the sealing lag (operator staff).");
        group.MapGet("/checkpoints/latest", LatestCheckpoint).RequireAuthorization(ApiPolicies.Operator)
            .Describe("getLatestAuditCheckpoint", "Read the latest signed checkpoint", "The chain's head as last signed by the sequencer, with the statement, the signature and the public key, for an auditor to verify offline (operator staff).");
        return app;
    }

    /// <summary>A case's audit trail, for its two members only (also after purge, through the tombstone).</summary>
    private static async Task<Results<Ok<List<AuditEntryDto>>, ValidationProblem, ProblemHttpResult>> ForCase(
        Guid? caseId, Caller caller, ExchangeDbContext db, CancellationToken cancellationToken)
    {
        if (caseId is null)
        {
            return Problems.Invalid("caseId", "Name the case whose audit trail to read.");
        }

        var id = caseId.Value;
        if (!await caller.Access.SeesAsync(db, id, cancellationToken))
        {
            return Problems.NotFound();
        }

        var entries = await db.AuditEntries.AsNoTracking().Where(e => e.CaseId == id).OrderBy(e => e.Id).Take(5000)
            .Select(e => new AuditEntryDto(e.Id, e.Sequence, e.OccurredAt, e.ActorMemberId, e.ActorId, e.Action, e.ObjectType, e.ObjectId, e.CaseId, e.Details, e.Hash))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(entries);
    }

    private static async Task<Ok<AuditVerificationDto>> Verify(AuditLog audit, CancellationToken cancellationToken)
    {
        var result = await audit.VerifyAsync(cancellationToken);
        var checkpoint = result.Checkpoint is { } c ? new AuditCheckpointDto(c.Sequence, c.HeadHash, c.SignedAt, c.KeyId, c.SignatureValid) : null;
        return TypedResults.Ok(new AuditVerificationDto(result.Intact, result.Entries, result.FirstBrokenSequence, result.Unsealed,
            result.FirstTamperedUnsealedId, Math.Round(result.SealingLagSeconds, 3), checkpoint));
    }

    private static async Task<Results<Ok<SignedCheckpointDto>, ProblemHttpResult>> LatestCheckpoint(ExchangeDbContext db, CancellationToken cancellationToken)
    {
        var checkpoint = await db.AuditCheckpoints.AsNoTracking().OrderByDescending(c => c.Sequence).FirstOrDefaultAsync(cancellationToken);
        var key = checkpoint is null ? null : await db.AuditSigningKeys.AsNoTracking().FirstOrDefaultAsync(k => k.KeyId == checkpoint.KeyId, cancellationToken);
        if (checkpoint is null || key is null)
        {
            return Problems.NotFound();
        }

        return TypedResults.Ok(new SignedCheckpointDto(checkpoint.Sequence, checkpoint.HeadHash, checkpoint.SignedAt, checkpoint.KeyId, "ES256",
            AuditSigner.Statement(checkpoint.Sequence, checkpoint.HeadHash, checkpoint.SignedAt), checkpoint.Signature, key.PublicKeyPem));
    }
}

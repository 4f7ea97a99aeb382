using Exchange.Api.OpenApi;
using Exchange.Api.Auth;
using Exchange.Api.Http;
using Exchange.Core.Audit;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Exchange.Core.Members;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Features.Members;

public sealed record IntakePolicyDto(
    IReadOnlyList<string> RequiredFields,
    IReadOnlyList<string> AcceptedFields,
    FreeTextPersonalDataPolicy FreeTextPersonalData,
    IReadOnlyDictionary<int, TimeSpan> ResponseTargets);

/// <summary>The directory entry every member can read.</summary>
public sealed record MemberDto(string Id, string LegalName, string Region, string? SupportContact, string? EscalationContact, TimeSpan? Retention, IntakePolicyDto IntakePolicy)
{
    public static MemberDto From(Member m) => new(m.Id, m.LegalName, m.Region, m.SupportContact, m.EscalationContact, m.Retention,
        new IntakePolicyDto(m.IntakePolicy.RequiredFields, m.IntakePolicy.AcceptedFields, m.IntakePolicy.FreeTextPersonalData,
            new SortedDictionary<int, TimeSpan>(m.IntakePolicy.ResponseTargets)));
}

public sealed record IntakePolicyRequest(
    List<string>? RequiredFields,
    List<string>? AcceptedFields,
    FreeTextPersonalDataPolicy? FreeTextPersonalData,
    TimeSpan? Retention,
    Dictionary<int, TimeSpan>? ResponseTargets);

public sealed class IntakePolicyRequestValidator : AbstractValidator<IntakePolicyRequest>
{
    public IntakePolicyRequestValidator()
    {
        RuleFor(r => r.AcceptedFields).NotNull().Must(f => f is null || (f.Count <= FieldCatalogue.All.Count && f.Distinct().Count() == f.Count))
            .WithMessage("List each field once.");
        RuleFor(r => r.RequiredFields).NotNull().Must(f => f is null || f.Distinct().Count() == f.Count).WithMessage("List each field once.");
        RuleForEach(r => r.AcceptedFields).NotNull().WithMessage("A field name is required, not null.")
            .Must(BeShareable).WithMessage("Not a catalogue field that can be shared (GET /api/v1/field-catalogue).");
        RuleForEach(r => r.RequiredFields).NotNull().WithMessage("A field name is required, not null.")
            .Must(BeShareable).WithMessage("Not a catalogue field that can be shared (GET /api/v1/field-catalogue).");
        RuleFor(r => r.RequiredFields).Must((r, required) => r.AcceptedFields is null || required!.All(r.AcceptedFields.Contains))
            .When(r => r.RequiredFields is not null).WithMessage("Every required field must also be accepted.");
        RuleFor(r => r.FreeTextPersonalData).NotNull().IsInEnum();
        RuleFor(r => r.Retention).Must(t => t is null || (t >= TimeSpan.Zero && t <= TimeSpan.FromDays(3650)))
            .WithMessage("Retention must be between zero and ten years.");
        RuleFor(r => r.ResponseTargets).NotNull()
            .Must(t => t is null || t.Keys.All(k => k is >= 1 and <= 4)).WithMessage("Response targets are per severity 1 to 4.")
            .Must(t => t is null || t.Values.All(v => v > TimeSpan.Zero && v <= TimeSpan.FromDays(365))).WithMessage("Each response target must be positive and at most a year.");
    }

    private static bool BeShareable(string? name) => name is not null && FieldCatalogue.Find(name) is { Category: not DataCategory.Special };
}

public static class MembersEndpoints
{
    public static IEndpointRouteBuilder MapMembersEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/members").WithTags("Members");
        group.MapGet("/", List)
            .Describe("listMembers", "List members", "The directory: every member with its region, contacts, intake policy and response targets.");
        group.MapGet("/{id}", Get)
            .Describe("getMember", "Get a member", "One member of the directory.");
        // Validated inside the handler, after the own-member check: another member's admin learns nothing from a 400.
        group.MapPut("/{id}/intake-policy", PutIntakePolicy).RequireAuthorization(ApiPolicies.MemberAdmin).ProducesValidationProblem()
            .Describe("putIntakePolicy", "Set the intake policy", "A member admin sets its own member's required and accepted fields, free-text policy, retention and response targets.");
        return app;
    }

    private static async Task<Ok<List<MemberDto>>> List(ExchangeDbContext db, CancellationToken cancellationToken)
    {
        var members = await db.Members.AsNoTracking().OrderBy(m => m.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(members.Select(MemberDto.From).ToList());
    }

    private static async Task<Results<Ok<MemberDto>, ProblemHttpResult>> Get(string id, ExchangeDbContext db, CancellationToken cancellationToken)
    {
        var member = await db.Members.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        return member is null ? Problems.NotFound() : TypedResults.Ok(MemberDto.From(member));
    }

    private static async Task<Results<Ok<MemberDto>, ValidationProblem, ProblemHttpResult>> PutIntakePolicy(
        string id, IntakePolicyRequest? body, Caller caller, ExchangeDbContext db, AuditLog audit, IValidator<IntakePolicyRequest> validator,
        CancellationToken cancellationToken)
    {
        // A member admin changes its own member's policy only; the directory is public, so 403 leaks nothing.
        if (caller.MemberId != id)
        {
            return Problems.Forbidden("A member admin may change only its own member's intake policy.");
        }

        if (await Validation.ValidateAsync(body, validator, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        return await audit.InTransactionAsync<Results<Ok<MemberDto>, ValidationProblem, ProblemHttpResult>>(async () =>
        {
            var member = await db.Members.FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
            if (member is null)
            {
                return Problems.NotFound();
            }

            member.IntakePolicy = new IntakePolicy
            {
                RequiredFields = body!.RequiredFields!,
                AcceptedFields = body.AcceptedFields!,
                FreeTextPersonalData = body.FreeTextPersonalData!.Value,
                ResponseTargets = body.ResponseTargets!,
            };
            member.Retention = body.Retention;
            await audit.AppendAsync(caller.Actor, "member.intake_policy_updated", "member", member.Id,
                details: new { accepted = body.AcceptedFields!.Count, required = body.RequiredFields!.Count }, cancellationToken: cancellationToken);
            return TypedResults.Ok(MemberDto.From(member));
        }, cancellationToken);
    }
}

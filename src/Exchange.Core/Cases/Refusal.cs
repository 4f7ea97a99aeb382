namespace Exchange.Core.Cases;

/// <summary>How a refusal is answered: the API maps each kind to one HTTP status.</summary>
public enum RefusalKind
{
    /// <summary>A rule of the exchange refuses the request (422).</summary>
    Rule,
    /// <summary>The object is not in a state that allows the action (409).</summary>
    Conflict,
    /// <summary>The caller may see the object but its side or role may not do this (403).</summary>
    Forbidden,
}

/// <summary>
/// A rule's "no", as a value: a stable machine-readable code and a detail that names fields
/// and kinds but never values, so it can be returned and logged without leaking personal data.
/// </summary>
public sealed record Refusal(string Code, string Detail, RefusalKind Kind = RefusalKind.Rule);

/// <summary>The stable codes clients may program against. Never rename one.</summary>
public static class RefusalCodes
{
    public const string AgreementMissing = "agreement_missing";
    public const string AgreementNotInForce = "agreement_not_in_force";
    public const string AgreementCategoryNotPermitted = "agreement_category_not_permitted";
    public const string AuthorisationMissing = "authorisation_missing";
    public const string AuthorisationWithdrawn = "authorisation_withdrawn";
    public const string AuthorisationExpired = "authorisation_expired";
    public const string AuthorisationScope = "authorisation_scope";
    public const string TransferRegionNotPermitted = "transfer_region_not_permitted";
    public const string PersonalDataInFreeText = "personal_data_in_free_text";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string InvalidTransition = "invalid_transition";
    public const string SideNotPermitted = "side_not_permitted";
    public const string RoleRequired = "role_required";
    public const string AlreadyWithdrawn = "authorisation_already_withdrawn";
    public const string AgreementNotChangeable = "agreement_not_changeable";
    public const string AlreadySigned = "party_already_signed";
    /// <summary>A data-subject request's restriction or objection holds the case (409).</summary>
    public const string CaseRestricted = "case_restricted";
    /// <summary>The data-subject request is for another right than the action asked for (409).</summary>
    public const string DataSubjectRequestRight = "data_subject_request_right";
    /// <summary>The data-subject request has already been carried out, extended or lifted (409).</summary>
    public const string DataSubjectRequestState = "data_subject_request_state";
}

namespace Exchange.Portal.Api;

/// <summary>A refusal said in plain words: what is missing and what the engineer can do about it.</summary>
public sealed record Explanation(string What, string Action);

/// <summary>
/// Plain-language wording for the API's stable refusal codes and states. Wording only: whether a
/// request is refused is decided by the API, never here.
/// </summary>
public static class Explanations
{
    public static Explanation ForRefusal(ApiProblem problem, string? receiver = null)
    {
        var them = string.IsNullOrEmpty(receiver) ? "the receiving member" : receiver;
        return problem.Code switch
        {
            "agreement_missing" => new($"There is no agreement in force between your organisation and {them}.",
                $"Ask the exchange's legal team to put a framework or bilateral agreement in place with {them}; until then no request can be sent to them."),
            "agreement_not_in_force" => new($"The agreement with {them} is not in force (it is not yet signed by every party, has expired or was terminated).",
                "Ask the exchange's legal team about the agreement's signatures and dates."),
            "agreement_category_not_permitted" => new("The agreement does not permit some of the kinds of data in this request (for example contact details).",
                "Leave out the fields of that kind and send again, or ask the legal team to extend the agreement."),
            "authorisation_missing" => new("The customer authorisation you cited was not found, or was not recorded by your organisation.",
                "Choose one of your authorisations, or record the customer's authorisation first."),
            "authorisation_withdrawn" => new("The customer has withdrawn this authorisation.",
                "Collaboration on this customer's data is not allowed any more. Ask the customer for a new authorisation if they agree."),
            "authorisation_expired" => new("The customer authorisation has expired.",
                "Ask the customer to renew it and record the new authorisation."),
            "authorisation_scope" => new($"The customer authorisation does not cover this request (it does not name {them}, or not every kind of data you are sending).",
                $"Record an authorisation that names {them} and covers the data you need to share, or leave the uncovered fields out."),
            "transfer_region_not_permitted" => new($"The data may not be transferred to the region where {them} processes it.",
                "The agreement or the customer's region restriction does not allow it; ask the legal team or the customer."),
            "personal_data_in_free_text" => new($"The summary, description or log excerpt contains personal data (such as an e-mail address or phone number), and {them} refuses such text rather than redacting it.",
                "Remove the personal data from the free text and send again."),
            "case_restricted" => new("A data-subject request restricts this case: nothing new is shared on it until the restriction is lifted.",
                "Ask your privacy officer whether the restriction can be lifted."),
            "data_subject_request_right" => new(problem.Detail ?? "This request is for another right than the action you chose.",
                "Open a request for the right the person asked for."),
            "data_subject_request_state" => new(problem.Detail ?? "This request is not in a state that allows this action.",
                "Reload the request to see its current state."),
            "self_deactivation" => new("You cannot deactivate your own account.",
                "Ask another admin of your organisation to do it."),
            "self_demotion" => new("You cannot take away your own admin role.",
                "Ask another admin of your organisation to do it."),
            _ => problem.Status switch
            {
                400 => new("Some of the values are not valid.", "Correct the fields marked below and send again."),
                403 => new("Your account may not do this.", "Ask your member admin for the right role."),
                404 => new("It was not found, or it is not visible to your organisation.", "Check that you followed a current link."),
                409 => new("This cannot be done in the case's current state.", "Reload the page to see its current state."),
                412 => new("Someone changed this case while you were looking at it.", "The page now shows the latest version; check it and try again."),
                428 => new("The portal did not say which version of the case you saw.", "Reload the page and try again."),
                429 => new("Too many requests in a short time.", "Wait a minute and try again."),
                _ => new("The exchange could not complete this just now.", "Try again in a moment. If it keeps happening, contact the exchange's support."),
            },
        };
    }

    /// <summary>Why a field was withheld, in words (the API's stable reason codes).</summary>
    public static string WithheldReason(string reason) => reason switch
    {
        "not_accepted_by_receiver" => "The receiving member does not ask for this field.",
        "category_not_permitted_by_agreement" => "The agreement between you does not permit this kind of data.",
        "category_not_authorised" => "The customer's authorisation does not cover this kind of data.",
        "special_category" => "Special category data is never shared through the exchange.",
        "personal_data_redacted" => "Personal data in this text was replaced before it was stored; the rest was passed on.",
        _ => reason.Replace('_', ' '),
    };

    public static string State(string status) => status switch
    {
        "submitted" => "Submitted",
        "information_requested" => "Information requested",
        "accepted" => "Accepted",
        "rejected" => "Rejected",
        "resolved" => "Resolved",
        "halted" => "Halted",
        "withdrawn" => "Withdrawn",
        "purged" => "Purged",
        _ => status.Replace('_', ' '),
    };

    /// <summary>A purged case keeps no severity.</summary>
    public static string Severity(int? severity) => severity is { } s ? Severity(s) : "-";

    public static string PurgeReason(string reason) => reason switch
    {
        "retention_elapsed" => "The retention period after the case concluded has passed.",
        "authorisation_withdrawn" => "The customer withdrew the authorisation this case relied on.",
        _ => reason.Replace('_', ' '),
    };

    public static string Severity(int severity) => severity switch
    {
        1 => "1 - critical",
        2 => "2 - high",
        3 => "3 - medium",
        4 => "4 - low",
        _ => severity.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static string FieldLabel(string field) => field switch
    {
        "summary" => "Summary",
        "description" => "Description",
        "product" => "Product",
        "productVersion" => "Product version",
        "errorCode" => "Error code",
        "logExcerpt" => "Log excerpt",
        "customerOrganisation" => "Customer organisation",
        "customerContactName" => "Customer contact name",
        "customerContactEmail" => "Customer contact e-mail",
        "customerContactPhone" => "Customer contact phone",
        "healthImpact" => "Health impact",
        _ => Words(field),
    };

    /// <summary>
    /// A field the list above does not name, in words: the last part of the API's path without indexes,
    /// its camel case split ("parties[1].effectiveFrom" is "Effective from"), never the raw key.
    /// </summary>
    private static string Words(string field)
    {
        var name = field.Split('.', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? field;
        var bracket = name.IndexOf('[', StringComparison.Ordinal);
        name = bracket > 0 ? name[..bracket] : name;
        if (name.Length == 0)
        {
            return field;
        }

        var words = new System.Text.StringBuilder(char.ToUpperInvariant(name[0]).ToString());
        foreach (var c in name[1..])
        {
            if (char.IsUpper(c))
            {
                words.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                words.Append(c == '_' ? ' ' : c);
            }
        }

        return words.ToString();
    }

    /// <summary>"3 h 20 min left" or "overdue by 2 d 4 h": the time to a response deadline in words.</summary>
    public static (string Text, bool Overdue) TimeLeft(DateTimeOffset? due, DateTimeOffset now)
    {
        if (due is null)
        {
            return ("no deadline", false);
        }

        var left = due.Value - now;
        var overdue = left < TimeSpan.Zero;
        var span = overdue ? -left : left;
        var text = span.TotalDays >= 1 ? $"{(int)span.TotalDays} d {span.Hours} h"
            : span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min"
            : $"{Math.Max(1, (int)Math.Ceiling(span.TotalMinutes))} min";
        return overdue ? ($"overdue by {text}", true) : ($"{text} left", false);
    }
}

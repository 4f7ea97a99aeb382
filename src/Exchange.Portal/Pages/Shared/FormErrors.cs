using System.Text.RegularExpressions;
using Exchange.Portal.Api;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Exchange.Portal.Pages.Shared;

/// <summary>One problem with one form field (or with the form as a whole when <see cref="FieldId"/> is null).</summary>
public sealed record FormError(string? FieldId, string? Label, string Message)
{
    /// <summary>The id of the element that carries the message next to the field (what aria-describedby points at).</summary>
    public string? MessageId => FieldId is null ? null : FieldId + "-error";
}

/// <summary>
/// A form's fields as the API and the page name them: the API's validation key (`customerAuthorisationId`,
/// `authorisedBy.name`, `fields.summary`), the page's own model-state key (`Input.AuthorisationId`),
/// the id of the input on the page and its human label. Declared once per form.
/// </summary>
public sealed class FormFieldMap
{
    private readonly Dictionary<string, (string Id, string Label)> _fields = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Maps one or more keys (API or model state) to the input with <paramref name="id"/> and its label.</summary>
    public FormFieldMap Add(string id, string label, params string[] keys)
    {
        foreach (var key in keys)
        {
            _fields[key] = (id, label);
        }

        return this;
    }

    /// <summary>The case form's catalogue fields: `fields.X` is the input `f-X`, labelled as <see cref="Explanations.FieldLabel"/> says.</summary>
    public FormFieldMap WithCatalogueFields()
    {
        _catalogue = true;
        return this;
    }

    private bool _catalogue;

    public (string? Id, string? Label) Find(string key)
    {
        if (_fields.TryGetValue(key, out var field))
        {
            return field;
        }

        const string prefix = "fields.";
        if (_catalogue && key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            var name = key[prefix.Length..];
            return ("f-" + name, Explanations.FieldLabel(name));
        }

        return (null, null);
    }
}

/// <summary>
/// The problems to show on a form: the API's validation problem and the page's own model-state
/// errors, each mapped through the form's <see cref="FormFieldMap"/> to the input it concerns and
/// said with the field's human name, never the API's property name. Rendered by the
/// `error-summary`, `field-error` and `form-errors` tag helpers (<see cref="FormErrorTagHelpers"/>).
/// </summary>
public sealed partial class FormErrors
{
    public static readonly FormErrors None = new([]);

    private FormErrors(IReadOnlyList<FormError> all) => All = all;

    public IReadOnlyList<FormError> All { get; }

    public bool Any => All.Count > 0;

    /// <summary>The errors of the input with <paramref name="fieldId"/>.</summary>
    public IEnumerable<FormError> For(string fieldId) => All.Where(e => e.FieldId == fieldId);

    public static FormErrors From(FormFieldMap map, ApiProblem? problem, ModelStateDictionary? modelState = null)
    {
        var errors = new List<FormError>();
        foreach (var (key, messages) in problem?.Errors ?? new Dictionary<string, string[]>())
        {
            Add(errors, map, key, messages);
        }

        foreach (var (key, entry) in modelState ?? new ModelStateDictionary())
        {
            Add(errors, map, key, entry.Errors.Select(e => e.ErrorMessage).Where(m => m.Length > 0));
        }

        return new FormErrors(errors.DistinctBy(e => (e.FieldId, e.Message)).ToList());
    }

    private static void Add(List<FormError> errors, FormFieldMap map, string key, IEnumerable<string> messages)
    {
        var (id, label) = map.Find(key);
        errors.AddRange(messages.Select(m => new FormError(id, label, Sentence(m, label))));
    }

    /// <summary>
    /// The API's message said with the field's human name, so it reads alone (in the summary) and
    /// beside the field: FluentValidation opens with the property as it splits it ("'customer
    /// Authorisation Id' must not be empty."), which becomes "Customer authorisation must not be
    /// empty."; a message of its own ("Must be in the future.") gets the label in front.
    /// </summary>
    public static string Sentence(string message, string? label)
    {
        var text = message.Trim();
        if (QuotedProperty().IsMatch(text))
        {
            text = QuotedProperty().Replace(text, label is null ? "" : label + " ", 1);
        }
        else if (label is not null)
        {
            text = $"{label}: {(text.Length > 0 ? char.ToLowerInvariant(text[0]) + text[1..] : text)}";
        }

        return text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
    }

    [GeneratedRegex("^'[^']*'\\s*")]
    private static partial Regex QuotedProperty();
}

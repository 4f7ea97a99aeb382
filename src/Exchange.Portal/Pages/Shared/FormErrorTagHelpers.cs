using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Exchange.Portal.Pages.Shared;

/// <summary>
/// Form errors, the same on every form (WCAG 3.3.1, 3.3.3, 4.1.2):
/// <list type="bullet">
/// <item>`&lt;error-summary errors="Model.Errors" /&gt;` above the form: a panel listing each problem
/// as a link to its field; it takes focus when the page loads (`autofocus`, no script), so a screen
/// reader starts there.</item>
/// <item>`form-errors="Model.Errors"` on an input, select or textarea: `aria-invalid="true"` and the
/// message's id added to `aria-describedby` when the field (by its id) has an error.</item>
/// <item>`&lt;field-error errors="Model.Errors" for="the-input-id" /&gt;` next to the field: the message
/// itself, with the id the input points at.</item>
/// </list>
/// The errors come from <see cref="FormErrors.From"/>, which maps the API's field names to the form's.
/// </summary>
public static class FormErrorTagHelpers
{
    public const string SummaryId = "error-summary";

    /// <summary>An attribute's value as written, whether literal, a C# value or Razor's mix of both ("@id-hint").</summary>
    internal static string? Text(TagHelperAttribute? attribute)
    {
        switch (attribute?.Value)
        {
            case null:
                return null;
            case string text:
                return text;
            case IHtmlContent html:
                using (var writer = new StringWriter())
                {
                    html.WriteTo(writer, NullHtmlEncoder.Default);
                    return writer.ToString();
                }

            default:
                return attribute.Value.ToString();
        }
    }
}

[HtmlTargetElement("error-summary", TagStructure = TagStructure.WithoutEndTag)]
public sealed class ErrorSummaryTagHelper : TagHelper
{
    public FormErrors? Errors { get; set; }

    /// <summary>The panel's heading; says what did not happen.</summary>
    public string Heading { get; set; } = "There is a problem";

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        if (Errors is not { Any: true } errors)
        {
            output.SuppressOutput();
            return;
        }

        var html = HtmlEncoder.Default;
        output.TagName = "div";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("id", FormErrorTagHelpers.SummaryId);
        output.Attributes.SetAttribute("class", "alert error error-summary");
        output.Attributes.SetAttribute("tabindex", "-1");
        output.Attributes.SetAttribute("autofocus", "autofocus");
        output.Attributes.SetAttribute("aria-labelledby", FormErrorTagHelpers.SummaryId + "-h");
        var items = string.Concat(errors.All.Select(e => e.FieldId is null
            ? $"<li>{html.Encode(e.Message)}</li>"
            : $"<li><a href=\"#{html.Encode(e.FieldId)}\">{html.Encode(e.Message)}</a></li>"));
        output.Content.SetHtmlContent($"<h2 id=\"{FormErrorTagHelpers.SummaryId}-h\">{html.Encode(Heading)}</h2><ul>{items}</ul>");
    }
}

[HtmlTargetElement("input", Attributes = "form-errors", TagStructure = TagStructure.WithoutEndTag)]
[HtmlTargetElement("select", Attributes = "form-errors")]
[HtmlTargetElement("textarea", Attributes = "form-errors")]
public sealed class FormErrorsFieldTagHelper : TagHelper
{
    [HtmlAttributeName("form-errors")]
    public FormErrors? Errors { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var id = FormErrorTagHelpers.Text(output.Attributes["id"]);
        if (id is null || Errors is null || !Errors.For(id).Any())
        {
            return;
        }

        output.Attributes.SetAttribute("aria-invalid", "true");
        var described = FormErrorTagHelpers.Text(output.Attributes["aria-describedby"]);
        output.Attributes.SetAttribute("aria-describedby", string.IsNullOrWhiteSpace(described) ? id + "-error" : $"{id}-error {described}");
    }
}

[HtmlTargetElement("field-error", TagStructure = TagStructure.WithoutEndTag)]
public sealed class FieldErrorTagHelper : TagHelper
{
    public FormErrors? Errors { get; set; }

    /// <summary>The id of the input the message belongs to.</summary>
    public string For { get; set; } = "";

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var errors = Errors?.For(For).ToList() ?? [];
        if (errors.Count == 0)
        {
            output.SuppressOutput();
            return;
        }

        var html = HtmlEncoder.Default;
        output.TagName = "p";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("id", For + "-error");
        output.Attributes.SetAttribute("class", "field-error");
        output.Content.SetHtmlContent(string.Join("<br>", errors.Select(e => html.Encode(e.Message))));
    }
}

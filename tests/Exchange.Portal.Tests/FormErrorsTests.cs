using Exchange.Portal.Api;
using Exchange.Portal.Pages.Shared;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Exchange.Portal.Tests;

/// <summary>The one mapping from the API's validation problem to a form's fields and words (issue 15, item 9).</summary>
public sealed class FormErrorsTests
{
    private static readonly FormFieldMap Map = new FormFieldMap()
        .Add("auth", "Customer authorisation", "customerAuthorisationId", "Input.AuthorisationId")
        .WithCatalogueFields();

    private static ApiProblem Invalid(Dictionary<string, string[]> errors) => new(400, "Invalid", null, "validation", errors);

    [Fact]
    public void FluentValidations_property_name_becomes_the_fields_label_and_the_error_points_at_its_input()
    {
        var errors = FormErrors.From(Map, Invalid(new() { ["customerAuthorisationId"] = ["'customer Authorisation Id' must not be empty."] }));

        var error = Assert.Single(errors.All);
        Assert.Equal("auth", error.FieldId);
        Assert.Equal("auth-error", error.MessageId);
        Assert.Equal("Customer authorisation must not be empty.", error.Message);
        Assert.Same(error, Assert.Single(errors.For("auth")));
    }

    [Fact]
    public void A_catalogue_field_is_named_as_the_form_labels_it_and_a_message_of_its_own_gets_the_label_in_front()
    {
        var errors = FormErrors.From(Map, Invalid(new() { ["fields.customerContactEmail"] = ["Must be at most 320 characters."] }));

        var error = Assert.Single(errors.All);
        Assert.Equal("f-customerContactEmail", error.FieldId);
        Assert.Equal("Customer contact e-mail: must be at most 320 characters.", error.Message);
    }

    [Fact]
    public void The_pages_own_errors_join_the_apis_and_a_key_the_form_does_not_know_is_kept_without_a_field()
    {
        var state = new ModelStateDictionary();
        state.AddModelError("Input.AuthorisationId", "Choose the customer authorisation that covers this request.");
        var errors = FormErrors.From(Map, Invalid(new() { ["body"] = ["'body' is required."] }), state);

        Assert.Equal(2, errors.All.Count);
        Assert.Contains(errors.All, e => e is { FieldId: null, Message: "Is required." });
        Assert.Contains(errors.All, e => e is { FieldId: "auth", Message: "Customer authorisation: choose the customer authorisation that covers this request." });
        Assert.False(FormErrors.From(Map, null).Any);
    }
}

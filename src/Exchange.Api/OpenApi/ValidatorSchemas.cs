using System.Globalization;
using FluentValidation;
using FluentValidation.Validators;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Exchange.Api.OpenApi;

/// <summary>
/// Request schemas say what the request validators enforce, read from the validators themselves
/// so the two cannot drift: a property with an unconditional NotNull or NotEmpty is `required`
/// and not nullable; MaximumLength, Length, NotEmpty and InclusiveBetween become maxLength,
/// minLength, minItems, minimum and maximum; Matches becomes pattern (on the items for
/// RuleForEach). A rule on a nested property (`authorisedBy.name`) describes the nested schema.
/// Counts checked in a Must (at most 20 receivers) are not visible in a validator's description:
/// <see cref="MaxItems"/> names them, and a test checks each against the Api.
/// </summary>
public sealed class ValidatorSchemaFilter(IServiceProvider services) : ISchemaFilter
{
    public static readonly IReadOnlyDictionary<(string Schema, string Property), int> MaxItems = new Dictionary<(string, string), int>
    {
        [("CreateAuthorisationRequest", "receivingMemberIds")] = 20,
        [("CreateAuthorisationRequest", "allowedRegions")] = 20,
        [("CreateAgreementRequest", "permittedRegions")] = 20,
    };

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema concrete || concrete.Properties is null
            || services.GetService(typeof(IValidator<>).MakeGenericType(context.Type)) is not IValidator validator)
        {
            return;
        }

        foreach (var (schemaName, property) in MaxItems.Keys.Where(k => k.Schema == context.Type.Name))
        {
            if (concrete.Properties.TryGetValue(property, out var found) && found is OpenApiSchema list)
            {
                list.MaxItems = MaxItems[(schemaName, property)];
            }
        }

        var descriptor = validator.CreateDescriptor();
        foreach (var member in descriptor.GetMembersWithValidators().Select(m => m.Key).Distinct())
        {
            var path = member.Split('.').Select(Camel).ToArray();
            var (owner, name) = path.Length == 1 ? (concrete, path[0]) : (Nested(concrete, path[0], context), path[1]);
            if (owner?.Properties is null || !owner.Properties.TryGetValue(name, out var target))
            {
                continue;
            }

            foreach (var rule in descriptor.GetRulesForMember(member))
            {
                var forEach = rule.GetType().Name.StartsWith("CollectionPropertyRule", StringComparison.Ordinal);
                foreach (var component in rule.Components)
                {
                    // A nested rule's condition is the null guard of its parent (`When(r => r.AuthorisedBy is not null)`).
                    var unconditional = path.Length > 1 || !(component.HasCondition || component.HasAsyncCondition);
                    Describe(owner, name, target, component.Validator, forEach, unconditional);
                }
            }
        }
    }

    private static void Describe(OpenApiSchema owner, string name, IOpenApiSchema target, IPropertyValidator validator, bool forEach, bool unconditional)
    {
        var schema = target as OpenApiSchema;
        if (forEach)
        {
            schema = schema?.Items as OpenApiSchema;
            if (schema is null)
            {
                return;
            }
        }

        var isArray = schema?.Type is { } t && t.HasFlag(JsonSchemaType.Array);
        var isString = schema?.Type is { } s && s.HasFlag(JsonSchemaType.String) && schema.Format is null;
        switch (validator)
        {
            case INotNullValidator or INotEmptyValidator when !forEach && unconditional:
                owner.Required ??= new HashSet<string>();
                owner.Required.Add(name);
                if (schema?.Type is { } type)
                {
                    schema.Type = type & ~JsonSchemaType.Null;
                }

                if (validator is INotEmptyValidator && schema is not null)
                {
                    if (isArray)
                    {
                        schema.MinItems = 1;
                    }
                    else if (isString)
                    {
                        schema.MinLength = 1;
                    }
                }

                break;
            case INotEmptyValidator when forEach && isString:
                schema!.MinLength = 1;
                break;
            case ILengthValidator length when isString:
                schema!.MaxLength = length.Max > 0 ? length.Max : schema.MaxLength;
                schema.MinLength = length.Min > 0 ? length.Min : schema.MinLength;
                break;
            case IBetweenValidator between when schema is not null && !isString:
                schema.Minimum = Convert.ToString(between.From, CultureInfo.InvariantCulture);
                schema.Maximum = Convert.ToString(between.To, CultureInfo.InvariantCulture);
                break;
            case IRegularExpressionValidator regex when isString:
                schema!.Pattern = regex.Expression;
                break;
        }
    }

    /// <summary>The schema a nested rule describes: the component the parent property refers to.</summary>
    private static OpenApiSchema? Nested(OpenApiSchema parent, string property, SchemaFilterContext context) =>
        parent.Properties!.TryGetValue(property, out var child) && child is OpenApiSchemaReference reference && reference.Reference.Id is { } id
        && context.SchemaRepository.Schemas.TryGetValue(id, out var target) ? target as OpenApiSchema : null;

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
}

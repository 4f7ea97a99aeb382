using Exchange.Api.OpenApi;
using Exchange.Core.Cases;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Exchange.Api.Features.Catalogue;

public sealed record CatalogueFieldDto(string Name, DataCategory Category, bool FreeText, int MaxLength, string Description);

public static class FieldCatalogueEndpoints
{
    public static IEndpointRouteBuilder MapFieldCatalogueEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/field-catalogue", List).WithTags("Field catalogue")
            .Describe("listCatalogueFields", "List the field catalogue", "Every field a case can carry, with its data category, length limit and whether it is free text.");
        return app;
    }

    private static Ok<List<CatalogueFieldDto>> List() =>
        TypedResults.Ok(FieldCatalogue.All.Select(f => new CatalogueFieldDto(f.Name, f.Category, f.FreeText, f.MaxLength, f.Description)).ToList());
}

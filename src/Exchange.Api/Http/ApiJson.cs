using System.Text.Json;
using System.Text.Json.Serialization;

namespace Exchange.Api.Http;

/// <summary>
/// One JSON contract: camelCase, enums as snake_case strings (never numbers), durations as ISO 8601, and strict reading:
/// an unknown or duplicated property is a 400, so no body can smuggle server-owned fields.
/// </summary>
public static class ApiJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = null;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.Converters.Add(new IsoDurationConverter());
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.AllowDuplicateProperties = false;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.MaxDepth = 16;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
    }
}

using System.Net;
using System.Text.Json;

namespace Exchange.Portal.Api;

/// <summary>An RFC 9457 problem as the API sent it: a rule refusal has a stable <see cref="Code"/>.</summary>
public sealed record ApiProblem(int Status, string? Title, string? Detail, string? Code, IReadOnlyDictionary<string, string[]> Errors)
{
    public static ApiProblem FromBody(HttpStatusCode status, string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var errors = new Dictionary<string, string[]>();
            if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in e.EnumerateObject())
                {
                    errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                        ? field.Value.EnumerateArray().Select(m => m.ToString()).ToArray()
                        : [field.Value.ToString()];
                }
            }

            return new ApiProblem((int)status, Text(root, "title"), Text(root, "detail"), Text(root, "code"), errors);
        }
        catch (JsonException)
        {
            return new ApiProblem((int)status, null, null, null, new Dictionary<string, string[]>());
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>The outcome of one API call: a value, or the problem the API answered with.</summary>
public sealed record ApiResult<T>(T? Value, int Status, ApiProblem? Problem, string? ETag = null)
{
    public bool Ok => Problem is null && Status is >= 200 and < 300;

    public bool NotFound => Status == 404;
}

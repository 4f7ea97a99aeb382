using Exchange.Core.Cases;
using Microsoft.Net.Http.Headers;

namespace Exchange.Api.Http;

/// <summary>Strong ETags from the case's version, and the If-Match check state changes need.</summary>
public static class ETags
{
    public static string For(CollaborationCase collaboration) => $"\"{collaboration.Version:N}\"";

    public static void Set(HttpContext context, CollaborationCase collaboration) =>
        context.Response.Headers.ETag = For(collaboration);

    /// <summary>Null when If-Match names the current version; otherwise the 428 or 412 to answer.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? CheckIfMatch(HttpContext context, CollaborationCase collaboration)
    {
        var header = context.Request.Headers.IfMatch;
        if (header.Count == 0 || string.IsNullOrWhiteSpace(header.ToString()))
        {
            return Problems.PreconditionRequired();
        }

        // Strong comparison (RFC 9110 13.1.1): weak tags never match, and "*" is not specific enough
        // for a change that must not overwrite someone else's.
        if (!EntityTagHeaderValue.TryParseList(header, out var tags))
        {
            return Problems.PreconditionFailed();
        }

        var current = new EntityTagHeaderValue(For(collaboration));
        return tags.Any(t => !t.IsWeak && t.Compare(current, useStrongComparison: true)) ? null : Problems.PreconditionFailed();
    }
}

using System.Security.Cryptography;
using System.Text;

namespace Exchange.Core.Webhooks;

/// <summary>
/// Signing as the Standard Webhooks specification does it: HMAC-SHA256 over "id.timestamp.body"
/// with the endpoint's secret, sent as <c>webhook-signature: v1,&lt;base64&gt;</c>; several
/// signatures (during a secret rotation) are separated by spaces.
/// </summary>
public static class WebhookSignature
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    public static string Sign(string secret, string messageId, long timestamp, string body)
    {
        var key = WebhookSecret.KeyBytes(secret);
        var content = Encoding.UTF8.GetBytes($"{messageId}.{timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }

    /// <summary>The header value signed with each of the given secrets, newest first.</summary>
    public static string Header(IEnumerable<string> secrets, string messageId, long timestamp, string body) =>
        string.Join(' ', secrets.Select(s => Sign(s, messageId, timestamp, body)));

    /// <summary>What a receiver does: true if any v1 signature in the header matches, compared in constant time.</summary>
    public static bool Verify(string secret, string messageId, long timestamp, string body, string header)
    {
        var expected = Encoding.ASCII.GetBytes(Sign(secret, messageId, timestamp, body));
        foreach (var candidate in header.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(candidate)))
            {
                return true;
            }
        }

        return false;
    }
}

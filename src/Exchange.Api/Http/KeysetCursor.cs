namespace Exchange.Api.Http;

/// <summary>
/// The opaque `cursor` of keyset-paginated lists: the last id of the page, base64url. Ids are
/// version 7 UUIDs, so "ids below the cursor" is "older than the page" on every provider.
/// </summary>
public static class KeysetCursor
{
    public static string Encode(Guid id) => Convert.ToBase64String(id.ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecode(string cursor, out Guid id)
    {
        id = Guid.Empty;
        if (cursor.Length != 22)
        {
            return false;
        }

        try
        {
            id = new Guid(Convert.FromBase64String(cursor.Replace('-', '+').Replace('_', '/') + "=="));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Core.Identity;

/// <summary>
/// The public keys a client registers to authenticate with <c>private_key_jwt</c> (RFC 7523, OpenID
/// Connect Core 9) instead of a secret. The one place that decides what a key set may hold: public
/// signing keys only (EC P-256 or RSA of at least 2048 bits), each with its own <c>kid</c> so a
/// member can roll keys by registering the next one beside the current one. Private or symmetric
/// key material is refused rather than silently dropped: whoever sent it has leaked it and must know.
/// </summary>
public static class ClientKeySet
{
    public const int MaxLength = 16_000;
    public const int MaxKeys = 5;
    private const int MaxKeyIdLength = 100;
    private const int MinRsaBits = 2048;

    /// <summary>Members a public JWK may carry that we keep; anything else is not stored.</summary>
    private static readonly string[] KeptMembers = ["kty", "kid", "use", "alg", "crv", "x", "y", "n", "e"];

    /// <summary>Members that only private or symmetric keys have.</summary>
    private static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

    /// <summary>The algorithms the accepted keys sign with, advertised in discovery.</summary>
    public static IReadOnlyList<string> SigningAlgorithms { get; } =
        [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256];

    public sealed record Result(string? Json, IReadOnlyList<string> KeyIds, string? Error);

    /// <summary>Checks a JWK Set and returns it reduced to the public members we keep, or why it is refused.</summary>
    public static Result Parse(JsonElement set)
    {
        if (set.ValueKind != JsonValueKind.Object || !set.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
        {
            return Refused("A JWK Set is an object with a \"keys\" array (RFC 7517, section 5).");
        }

        if (keys.GetArrayLength() is 0 or > MaxKeys)
        {
            return Refused($"Register between 1 and {MaxKeys} keys.");
        }

        var kept = new JsonArray();
        var ids = new List<string>();
        var position = 0;
        foreach (var key in keys.EnumerateArray())
        {
            var error = Check(key, ids);
            if (error != null)
            {
                return Refused($"Key {position}: {error}");
            }

            var node = new JsonObject();
            foreach (var member in KeptMembers)
            {
                if (key.TryGetProperty(member, out var value))
                {
                    node[member] = value.GetString();
                }
            }

            kept.Add(node);
            ids.Add(key.GetProperty("kid").GetString()!);
            position++;
        }

        var json = new JsonObject { ["keys"] = kept }.ToJsonString();
        return json.Length > MaxLength ? Refused($"The key set is longer than {MaxLength} characters.") : new Result(json, ids, null);
    }

    /// <summary>The key ids of a stored set, for showing which keys a client has.</summary>
    public static IReadOnlyList<string> KeyIds(string? json) =>
        json == null ? [] : JsonWebKeySet.Create(json).Keys.Select(k => k.Kid).ToList();

    private static string? Check(JsonElement key, List<string> seen)
    {
        if (key.ValueKind != JsonValueKind.Object)
        {
            return "a key is a JSON object.";
        }

        foreach (var property in key.EnumerateObject())
        {
            if (PrivateMembers.Contains(property.Name))
            {
                return "only public keys may be registered; this one holds private or symmetric key material. Treat that key as compromised and make a new one.";
            }

            if (KeptMembers.Contains(property.Name) && property.Value.ValueKind != JsonValueKind.String)
            {
                return $"\"{property.Name}\" must be a string.";
            }
        }

        var kid = Text(key, "kid");
        if (string.IsNullOrEmpty(kid) || kid.Length > MaxKeyIdLength)
        {
            return $"each key needs a \"kid\" of 1 to {MaxKeyIdLength} characters.";
        }

        if (seen.Contains(kid, StringComparer.Ordinal))
        {
            return "each key needs a \"kid\" of its own.";
        }

        if (Text(key, "use") is { } use && use != "sig")
        {
            return "\"use\" must be \"sig\" when present.";
        }

        return Text(key, "kty") switch
        {
            "EC" => CheckEc(key),
            "RSA" => CheckRsa(key),
            _ => "\"kty\" must be \"EC\" (P-256) or \"RSA\".",
        };
    }

    private static string? CheckEc(JsonElement key)
    {
        if (Text(key, "crv") != "P-256")
        {
            return "an EC key must be on curve P-256 (ES256).";
        }

        if (Text(key, "alg") is { } alg && alg != SecurityAlgorithms.EcdsaSha256)
        {
            return "an EC P-256 key signs with ES256.";
        }

        try
        {
            using var ecdsa = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(Text(key, "x")), Y = Base64UrlEncoder.DecodeBytes(Text(key, "y")) },
            });
            return null;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException)
        {
            return "\"x\" and \"y\" are not a point on P-256.";
        }
    }

    private static string? CheckRsa(JsonElement key)
    {
        if (Text(key, "alg") is { } alg && alg is not (SecurityAlgorithms.RsaSha256 or SecurityAlgorithms.RsaSsaPssSha256))
        {
            return "an RSA key signs with RS256 or PS256.";
        }

        try
        {
            var modulus = Base64UrlEncoder.DecodeBytes(Text(key, "n"));
            using var rsa = RSA.Create();
            rsa.ImportParameters(new RSAParameters { Modulus = modulus, Exponent = Base64UrlEncoder.DecodeBytes(Text(key, "e")) });
            return rsa.KeySize < MinRsaBits ? $"an RSA key has at least {MinRsaBits} bits." : null;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException)
        {
            return "\"n\" and \"e\" are not an RSA public key.";
        }
    }

    private static string? Text(JsonElement key, string member) =>
        key.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Result Refused(string error) => new(null, [], error);
}

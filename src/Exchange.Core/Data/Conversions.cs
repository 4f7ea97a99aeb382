using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Exchange.Core.Data;

internal static class StorageJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}

public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v.ToUniversalTime(), DateTimeKind.Utc),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

public sealed class JsonListConverter<T>() : ValueConverter<List<T>, string>(
    v => JsonSerializer.Serialize(v, StorageJson.Options),
    v => JsonSerializer.Deserialize<List<T>>(v, StorageJson.Options) ?? new List<T>());

public sealed class JsonListComparer<T>() : ValueComparer<List<T>>(
    (a, b) => a == null ? b == null : b != null && a.SequenceEqual(b),
    v => v.Aggregate(0, (h, x) => HashCode.Combine(h, x == null ? 0 : x.GetHashCode())),
    v => v.ToList());

public sealed class JsonValueConverter<T>() : ValueConverter<T, string>(
    v => JsonSerializer.Serialize(v, StorageJson.Options),
    v => JsonSerializer.Deserialize<T>(v, StorageJson.Options)!)
    where T : class;

public sealed class JsonValueComparer<T>() : ValueComparer<T>(
    (a, b) => JsonSerializer.Serialize(a, StorageJson.Options) == JsonSerializer.Serialize(b, StorageJson.Options),
    v => JsonSerializer.Serialize(v, StorageJson.Options).GetHashCode(),
    v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, StorageJson.Options), StorageJson.Options)!)
    where T : class;

using System.Collections.Specialized;
using System.Text.Json;
using Quartz.Spi;

namespace Exchange.Jobs.Scheduling;

/// <summary>
/// The ADO.NET job store insists on a serializer, and Quartz's JSON packages cannot be restored
/// here. Job data is kept to strings (quartz.jobStore.useProperties), so what reaches this
/// serializer is a string-to-string collection: System.Text.Json is enough, and nothing is ever
/// deserialized to a type named by the stored data.
/// </summary>
public sealed class JsonObjectSerializer : IObjectSerializer
{
    public void Initialize()
    {
    }

    public byte[] Serialize<T>(T obj) where T : class
    {
        if (obj is NameValueCollection properties)
        {
            var map = properties.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => properties[k]);
            return JsonSerializer.SerializeToUtf8Bytes(map);
        }

        if (obj is IDictionary<string, object?> dictionary && dictionary.Values.All(v => v is null or string))
        {
            return JsonSerializer.SerializeToUtf8Bytes(dictionary.ToDictionary(p => p.Key, p => (string?)p.Value));
        }

        throw new NotSupportedException($"Only string job data is stored; {typeof(T).Name} is not.");
    }

    public T? DeSerialize<T>(byte[] data) where T : class
    {
        var map = JsonSerializer.Deserialize<Dictionary<string, string?>>(data) ?? [];
        if (typeof(T) == typeof(NameValueCollection))
        {
            var properties = new NameValueCollection();
            foreach (var (key, value) in map)
            {
                properties[key] = value;
            }

            return (T)(object)properties;
        }

        if (typeof(T).IsAssignableFrom(typeof(Quartz.JobDataMap)))
        {
            var jobData = new Quartz.JobDataMap();
            foreach (var (key, value) in map)
            {
                jobData[key] = value!;
            }

            return (T)(object)jobData;
        }

        throw new NotSupportedException($"Only string job data is stored; {typeof(T).Name} is not.");
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;

namespace Exchange.Api.Http;

/// <summary>
/// Durations (retention, response targets) as ISO 8601 durations: `P30D`, `PT4H`, `P1DT12H`
/// (decision 0205). Reading also takes the .NET form `d.hh:mm:ss` the API wrote before, so a
/// member system that echoes back what it read keeps working. Negative durations and months or
/// years (no fixed length) are refused.
/// </summary>
public sealed class IsoDurationConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        if (TryParse(text, out var value))
        {
            return value;
        }

        // The message stays generic: the exception handler reports the position only.
        throw new JsonException("Not an ISO 8601 duration.");
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) => writer.WriteStringValue(Format(value));

    public static string Format(TimeSpan value) => XmlConvert.ToString(value);

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrEmpty(text) || text.Length > 64)
        {
            return false;
        }

        if (text[0] == 'P')
        {
            // Days, hours, minutes and seconds only: a month or a year has no fixed length.
            var date = text.Split('T')[0];
            if (date.Contains('Y', StringComparison.Ordinal) || date.Contains('M', StringComparison.Ordinal) || date.Contains('W', StringComparison.Ordinal))
            {
                return false;
            }

            try
            {
                value = XmlConvert.ToTimeSpan(text);
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        return TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
    }
}

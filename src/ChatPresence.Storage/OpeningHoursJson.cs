using System.Text.Json;
using System.Text.Json.Serialization;
using ChatPresence.Domain.Directory;

namespace ChatPresence.Storage;

/// <summary>
/// Opening hours as one compact JSON text column. A document of its own (not the domain record) so a domain
/// refactoring cannot silently change what is on disk. Output is deterministic, so two documents are equal exactly
/// when their texts are, which is how an import decides whether a topic changed.
/// </summary>
internal static class OpeningHoursJson
{
    public static string Write(OpeningHours hours) =>
        JsonSerializer.Serialize(
            new HoursDocument(hours.Enabled, hours.TimeZoneId, hours.Days.Select(DayDocument.From).ToArray(), DayDocument.From(hours.Lunch)),
            OpeningHoursJsonContext.Default.HoursDocument);

    public static OpeningHours Read(string json)
    {
        var document = JsonSerializer.Deserialize(json, OpeningHoursJsonContext.Default.HoursDocument)
            ?? throw new InvalidDataException("Stored opening hours are empty.");
        if (document.Days is not { Length: 7 } || document.Lunch is null || document.TimeZoneId is null)
        {
            throw new InvalidDataException("Stored opening hours must have a time zone, 7 days and a lunch window.");
        }

        return new OpeningHours(document.Enabled, document.TimeZoneId, document.Days.Select(d => d.ToDomain()).ToArray(), document.Lunch.ToDomain());
    }
}

internal sealed record HoursDocument(
    [property: JsonPropertyName("on")] bool Enabled,
    [property: JsonPropertyName("tz")] string TimeZoneId,
    [property: JsonPropertyName("days")] DayDocument[] Days,
    [property: JsonPropertyName("lunch")] DayDocument Lunch);

internal sealed record DayDocument(
    [property: JsonPropertyName("on")] bool Enabled,
    [property: JsonPropertyName("from")] TimeOnly Start,
    [property: JsonPropertyName("to")] TimeOnly Stop)
{
    public static DayDocument From(DayHours day) => new(day.Enabled, day.Start, day.Stop);

    public DayHours ToDomain() => new(Enabled, Start, Stop);
}

[JsonSerializable(typeof(HoursDocument))]
internal sealed partial class OpeningHoursJsonContext : JsonSerializerContext;

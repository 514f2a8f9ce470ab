namespace ChatPresence.Domain.Directory;

/// <summary>One weekday's window. <see cref="Stop"/> is exclusive.</summary>
public sealed record DayHours(bool Enabled, TimeOnly Start, TimeOnly Stop)
{
    public static readonly DayHours Closed = new(false, TimeOnly.MinValue, TimeOnly.MinValue);

    public bool Contains(TimeOnly time) => Enabled && time >= Start && time < Stop;
}

/// <summary>
/// A topic's opening hours: per-weekday windows and an optional lunch break, in the topic's IANA time zone.
/// When <see cref="Enabled"/> is false the topic is always open.
/// </summary>
public sealed record OpeningHours(bool Enabled, string TimeZoneId, IReadOnlyList<DayHours> Days, DayHours Lunch)
{
    /// <summary>Always open: no opening hours configured.</summary>
    public static readonly OpeningHours AlwaysOpen = new(false, "UTC", Enumerable.Repeat(DayHours.Closed, 7).ToArray(), DayHours.Closed);

    /// <summary>Days are indexed by <see cref="DayOfWeek"/> (Sunday = 0).</summary>
    public DayHours this[DayOfWeek day] => Days[(int)day];

    public bool IsOpenAt(DateTimeOffset instant)
    {
        if (!Enabled)
        {
            return true;
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        return this[local.DayOfWeek].Contains(time) && !Lunch.Contains(time);
    }
}

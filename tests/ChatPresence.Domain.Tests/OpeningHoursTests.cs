using ChatPresence.Domain.Directory;

namespace ChatPresence.Domain.Tests;

public sealed class OpeningHoursTests
{
    private static readonly DayHours Office = new(true, new TimeOnly(8, 0), new TimeOnly(16, 0));

    // Monday to Friday 08:00–16:00, lunch 11:30–12:00, Oslo time.
    private static readonly OpeningHours Oslo = new(
        true,
        "Europe/Oslo",
        [DayHours.Closed, Office, Office, Office, Office, Office, DayHours.Closed],
        new DayHours(true, new TimeOnly(11, 30), new TimeOnly(12, 0)));

    public static TheoryData<string, bool> OsloInstants => new()
    {
        // Winter (CET, UTC+1).
        { "2026-01-05T06:59:00Z", false }, // Monday 07:59 local
        { "2026-01-05T07:00:00Z", true },  // Monday 08:00 local: start is inclusive
        { "2026-01-05T10:29:00Z", true },  // 11:29 local
        { "2026-01-05T10:30:00Z", false }, // 11:30 local: lunch
        { "2026-01-05T10:59:00Z", false }, // 11:59 local: lunch
        { "2026-01-05T11:00:00Z", true },  // 12:00 local: lunch over
        { "2026-01-05T14:59:00Z", true },  // 15:59 local
        { "2026-01-05T15:00:00Z", false }, // 16:00 local: stop is exclusive
        { "2026-01-10T10:00:00Z", false }, // Saturday
        { "2026-01-11T10:00:00Z", false }, // Sunday
        { "2026-01-09T07:30:00Z", true },  // Friday 08:30 local
        // Around the DST change (Sunday 2026-03-29 02:00 → 03:00): before it 07:30 UTC is 08:30 local, after 09:30.
        { "2026-03-27T06:30:00Z", false }, // Friday before: 07:30 CET, closed
        { "2026-03-30T06:30:00Z", true },  // Monday after: 08:30 CEST, open
        { "2026-03-30T05:59:00Z", false }, // 07:59 CEST
        { "2026-03-30T13:59:00Z", true },  // 15:59 CEST
        { "2026-03-30T14:00:00Z", false }, // 16:00 CEST
        // Back to winter time (Sunday 2026-10-25): the same UTC hour moves one hour earlier in local time.
        { "2026-10-23T13:30:00Z", true },  // 15:30 CEST
        { "2026-10-26T14:30:00Z", true },  // 15:30 CET
        { "2026-10-26T15:00:00Z", false }, // 16:00 CET
    };

    [Theory]
    [MemberData(nameof(OsloInstants))]
    public void Open_is_decided_in_the_topic_time_zone(string utc, bool expected) =>
        Assert.Equal(expected, Oslo.IsOpenAt(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Same_instant_differs_by_time_zone()
    {
        var newYork = Oslo with { TimeZoneId = "America/New_York" };
        var instant = DateTimeOffset.Parse("2026-01-05T14:00:00Z", System.Globalization.CultureInfo.InvariantCulture); // 15:00 Oslo, 09:00 New York
        Assert.True(Oslo.IsOpenAt(instant));
        Assert.True(newYork.IsOpenAt(instant));
        var later = instant.AddHours(2); // 17:00 Oslo, 11:00 New York
        Assert.False(Oslo.IsOpenAt(later));
        Assert.True(newYork.IsOpenAt(later));
    }

    [Fact]
    public void The_local_weekday_counts_not_the_utc_one()
    {
        // Sunday 20:00 UTC is Monday 09:00 in Auckland (UTC+13 in January).
        var auckland = Oslo with { TimeZoneId = "Pacific/Auckland" };
        var instant = DateTimeOffset.Parse("2026-01-04T20:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(auckland.IsOpenAt(instant));
        Assert.False(Oslo.IsOpenAt(instant));
    }

    [Fact]
    public void Lunch_that_is_off_does_not_close()
    {
        var noLunch = Oslo with { Lunch = DayHours.Closed };
        Assert.True(noLunch.IsOpenAt(DateTimeOffset.Parse("2026-01-05T10:45:00Z", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Disabled_opening_hours_are_always_open()
    {
        Assert.True(OpeningHours.AlwaysOpen.IsOpenAt(DateTimeOffset.Parse("2026-01-11T03:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True((Oslo with { Enabled = false }).IsOpenAt(DateTimeOffset.Parse("2026-01-11T03:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
    }
}

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

    /// <summary>
    /// The first instant after <paramref name="instant"/> at which <see cref="IsOpenAt"/> differs from its value at
    /// <paramref name="instant"/>, to the second; null when that never happens within eight days (always open, or
    /// no day enabled). Candidates are the local window edges; a bisection pins the exact instant, so a DST jump
    /// across an edge is handled too.
    /// </summary>
    public DateTimeOffset? NextChangeAfter(DateTimeOffset instant)
    {
        if (!Enabled)
        {
            return null;
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);
        var openNow = IsOpenAt(instant);
        var localDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
        var candidates = new List<DateTimeOffset>();
        for (var d = 0; d <= 8; d++)
        {
            var date = localDate.AddDays(d);
            var day = this[date.DayOfWeek];
            foreach (var time in new[] { TimeOnly.MinValue, day.Start, day.Stop, Lunch.Start, Lunch.Stop })
            {
                var local = date.ToDateTime(time);
                foreach (var offset in zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local) : [zone.GetUtcOffset(local)])
                {
                    var candidate = new DateTimeOffset(local, offset);
                    if (candidate > instant)
                    {
                        candidates.Add(candidate);
                    }
                }
            }
        }

        candidates.Sort();
        var before = instant;
        foreach (var candidate in candidates)
        {
            if (IsOpenAt(candidate) != openNow)
            {
                // Usually the edge itself; only a DST jump moves the change between two candidates.
                return IsOpenAt(candidate.AddTicks(-1)) == openNow ? candidate : Bisect(before, candidate, openNow);
            }

            before = candidate;
        }

        return null;
    }

    /// <summary>Today's open periods in the topic's local time (the day's window less lunch); empty when closed all day.</summary>
    public IReadOnlyList<(TimeOnly From, TimeOnly To)> PeriodsOn(DateTimeOffset instant)
    {
        if (!Enabled)
        {
            return [(TimeOnly.MinValue, TimeOnly.MaxValue)];
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);
        var day = this[TimeZoneInfo.ConvertTime(instant, zone).DayOfWeek];
        if (!day.Enabled || day.Stop <= day.Start)
        {
            return [];
        }

        if (!Lunch.Enabled || Lunch.Stop <= day.Start || Lunch.Start >= day.Stop)
        {
            return [(day.Start, day.Stop)];
        }

        var periods = new List<(TimeOnly, TimeOnly)>(2);
        if (Lunch.Start > day.Start)
        {
            periods.Add((day.Start, Lunch.Start));
        }

        if (Lunch.Stop < day.Stop)
        {
            periods.Add((Lunch.Stop, day.Stop));
        }

        return periods;
    }

    /// <summary>The first second in (<paramref name="from"/>, <paramref name="to"/>] at which the state is no longer <paramref name="openAtFrom"/>.</summary>
    private DateTimeOffset Bisect(DateTimeOffset from, DateTimeOffset to, bool openAtFrom)
    {
        while (to - from > TimeSpan.FromSeconds(1))
        {
            var middle = from + ((to - from) / 2);
            if (IsOpenAt(middle) == openAtFrom)
            {
                from = middle;
            }
            else
            {
                to = middle;
            }
        }

        return to;
    }
}

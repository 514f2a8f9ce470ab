namespace ChatPresence.Tests;

/// <summary>
/// A clock the test sets and moves (thread-safe: hosts read it from request threads). Without a start it begins at
/// the real time in whole seconds, so JWT libraries' own defaults agree with it. Timers stay real; a clock that fires
/// timers when moved is <c>Host.Tests/Live/TimerClock</c>.
/// </summary>
public sealed class ManualClock : TimeProvider
{
    private long ticks;

    public ManualClock()
        : this(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()))
    {
    }

    public ManualClock(DateTimeOffset start) => ticks = start.UtcTicks;

    public DateTimeOffset Now
    {
        get => new(Interlocked.Read(ref ticks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref ticks, value.UtcTicks);
    }

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);
}

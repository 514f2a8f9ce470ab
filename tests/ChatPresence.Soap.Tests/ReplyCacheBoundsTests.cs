namespace ChatPresence.Soap.Tests;

/// <summary>The SOAP reply cache is bounded in entries and in bytes, and keeps nothing when switched off.</summary>
public sealed class ReplyCacheBoundsTests
{
    [Fact]
    public void Going_over_the_byte_budget_starts_over()
    {
        var cache = new ReplyCache(capacity: 100, maxBytes: 1000);
        cache.Add(SoapVersion.Soap11, "1.all.en", default, new byte[600]);
        Assert.True(cache.TryGet(SoapVersion.Soap11, "1.all.en", default, out _));

        cache.Add(SoapVersion.Soap11, "1.own2.en", default, new byte[600]);
        Assert.False(cache.TryGet(SoapVersion.Soap11, "1.all.en", default, out _));
        Assert.True(cache.TryGet(SoapVersion.Soap11, "1.own2.en", default, out var kept));
        Assert.Equal(600, kept.Length);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void A_reply_larger_than_the_budget_is_not_kept()
    {
        var cache = new ReplyCache(capacity: 100, maxBytes: 1000);
        Assert.False(cache.Accepts(1001));
        cache.Add(SoapVersion.Soap12, "1.all.en", default, new byte[1001]);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Going_over_the_entry_count_starts_over()
    {
        var cache = new ReplyCache(capacity: 2);
        cache.Add(SoapVersion.Soap11, "a", default, [1]);
        cache.Add(SoapVersion.Soap11, "b", default, [2]);
        cache.Add(SoapVersion.Soap11, "c", default, [3]);
        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet(SoapVersion.Soap11, "c", default, out _));
    }

    [Fact]
    public void Versions_and_time_zone_echoes_are_kept_apart()
    {
        var cache = new ReplyCache(capacity: 10);
        cache.Add(SoapVersion.Soap11, "a", default, [11]);
        cache.Add(SoapVersion.Soap12, "a", default, [12]);
        cache.Add(SoapVersion.Soap11, "a", new TimeZoneEcho(true, 287, "NO"), [13]);
        Assert.True(cache.TryGet(SoapVersion.Soap12, "a", default, out var soap12));
        Assert.Equal([12], soap12);
        Assert.True(cache.TryGet(SoapVersion.Soap11, "a", new TimeZoneEcho(true, 287, "NO"), out var echoed));
        Assert.Equal([13], echoed);
        Assert.False(cache.TryGet(SoapVersion.Soap11, "a", new TimeZoneEcho(true, 287, "SE"), out _));
    }

    [Fact]
    public void Zero_entries_switch_it_off()
    {
        var cache = new ReplyCache(capacity: 0);
        Assert.False(cache.IsEnabled);
        Assert.False(cache.Accepts(1));
        cache.Add(SoapVersion.Soap11, "a", default, [1]);
        Assert.Equal(0, cache.Count);
    }
}

namespace ChatPresence.Bench;

/// <summary>
/// Allocated bytes per cold SOAP GetChatPresence reply, counted by the runtime for this thread over many
/// iterations after a warm-up (so one-time costs such as JIT, pools and lazily built caches are not counted).
/// </summary>
public static class ColdReplyAllocation
{
    public static long Measure(int users, int iterations)
    {
        var list = PresenceLists.For(users);
        var iterationsForSize = Math.Max(10, iterations * 50 / users);
        for (var i = 0; i < 20; i++)
        {
            ColdReply.WriteSoap(list);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < iterationsForSize; i++)
        {
            ColdReply.WriteSoap(list);
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / iterationsForSize;
    }
}

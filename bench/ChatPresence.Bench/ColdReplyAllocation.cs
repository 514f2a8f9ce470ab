namespace ChatPresence.Bench;

/// <summary>
/// Allocated bytes per cold SOAP GetChatPresence reply, counted by the runtime for this thread over many
/// iterations after a warm-up (so one-time costs such as JIT, pools and lazily built caches are not counted).
/// </summary>
public static class ColdReplyAllocation
{
    /// <param name="afresh">Every row encoded (kept rows off), as before the rows were kept: the figure to compare with.</param>
    public static long Measure(int users, int iterations, bool afresh = false)
    {
        var fragments = afresh ? null : ColdReply.NewFragments();
        var list = PresenceLists.For(users);
        var iterationsForSize = Math.Max(10, iterations * 50 / users);
        for (var i = 0; i < 20; i++)
        {
            ColdReply.WritePieces(list, fragments);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < iterationsForSize; i++)
        {
            ColdReply.WritePieces(list, fragments);
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / iterationsForSize;
    }
}

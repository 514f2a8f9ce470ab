namespace ChatPresence.Domain.Directory;

/// <summary>
/// Holds the current <see cref="DirectoryView"/> and replaces it when the store's change stamp moves, so reads
/// cost one cheap stamp check while nothing changes and never see data older than the last committed write.
/// <see cref="ViewChanged"/> tells listeners (the live presence feed) each time the view is replaced.
/// </summary>
public sealed class DirectoryCache(IChatDirectoryStore store)
{
    private readonly SemaphoreSlim reload = new(1, 1);
    private volatile DirectoryView? current;

    /// <summary>
    /// Raised (old view, new view) after the current view is replaced, one replacement at a time. Handlers run on the
    /// reloading caller's thread and must be quick.
    /// </summary>
    public event Action<DirectoryView, DirectoryView>? ViewChanged;

    public async ValueTask<DirectoryView> GetAsync(CancellationToken cancellationToken)
    {
        var stamp = await store.GetChangeStampAsync(cancellationToken);
        var view = current;
        return view is not null && view.ChangeStamp >= stamp ? view : await ReloadAsync(stamp, cancellationToken);
    }

    private async Task<DirectoryView> ReloadAsync(long stamp, CancellationToken cancellationToken)
    {
        await reload.WaitAsync(cancellationToken);
        try
        {
            // Another caller may have reloaded while this one waited.
            var view = current;
            if (view is not null && view.ChangeStamp >= stamp)
            {
                return view;
            }

            var old = view;
            view = new DirectoryView(await store.LoadAsync(cancellationToken));
            current = view;
            if (old is not null)
            {
                ViewChanged?.Invoke(old, view);
            }

            return view;
        }
        finally
        {
            reload.Release();
        }
    }
}

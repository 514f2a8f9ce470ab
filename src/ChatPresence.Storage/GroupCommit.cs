using System.Threading.Channels;

namespace ChatPresence.Storage;

/// <summary>
/// One caller's write, queued for a <see cref="GroupCommit{TWrite}"/>. Its caller hears back only after the
/// transaction holding it is durable. Cancelling helps only while it is queued; once started it runs to the end.
/// </summary>
internal abstract class QueuedWrite
{
    private const int Queued = 0;
    private const int Started = 1;
    private const int Abandoned = 2;

    private int state;
    private CancellationTokenRegistration registration;

    /// <summary>Claims the write for a batch; false when its caller cancelled before the writer got to it.</summary>
    public bool TryStart() => Interlocked.CompareExchange(ref state, Started, Queued) == Queued;

    /// <summary>Called once the transaction holding this write has committed.</summary>
    public void Complete()
    {
        registration.Dispose();
        OnCommitted();
    }

    public void Fail(Exception exception)
    {
        registration.Dispose();
        OnFailed(exception);
    }

    /// <summary>Call last in the constructor: the callback may run at once.</summary>
    protected void AbandonWhenCancelled(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            registration = cancellationToken.UnsafeRegister(
                static (s, token) =>
                {
                    var write = (QueuedWrite)s!;
                    if (Interlocked.CompareExchange(ref write.state, Abandoned, Queued) == Queued)
                    {
                        write.OnCancelled(token);
                    }
                },
                this);
        }
    }

    /// <summary>Completes the caller's task (its continuations must run off the writer).</summary>
    protected abstract void OnCommitted();

    protected abstract void OnFailed(Exception exception);

    protected abstract void OnCancelled(CancellationToken cancellationToken);
}

/// <summary>
/// Group commit, shared by the stores: writes queued while a commit is under way share the next one (one fsync or
/// WAL flush acknowledges a whole batch). The database-specific part is <c>commit</c>: it runs one batch in one
/// transaction and completes or fails every write in it itself (it must not throw).
/// </summary>
internal sealed class GroupCommit<TWrite> : IAsyncDisposable
    where TWrite : QueuedWrite
{
    private readonly Channel<TWrite> queue = Channel.CreateUnbounded<TWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int maxBatch;
    private readonly Func<List<TWrite>, Task> commit;
    private readonly string owner;
    private readonly Task loop;

    /// <param name="maxBatch">Bounds one transaction (how long it holds locks, how large its statement grows).</param>
    /// <param name="owner">Named by the <see cref="ObjectDisposedException"/> a write after disposal gets.</param>
    public GroupCommit(int maxBatch, Func<List<TWrite>, Task> commit, string owner)
    {
        this.maxBatch = maxBatch;
        this.commit = commit;
        this.owner = owner;
        loop = Task.Run(RunAsync);
    }

    public void Enqueue(TWrite write)
    {
        if (!queue.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(owner);
        }
    }

    /// <summary>Stops taking writes and finishes the ones already queued.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<TWrite>(maxBatch);
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Whatever queued up during the previous commit goes into this one.
            while (batch.Count < maxBatch && queue.Reader.TryRead(out var write))
            {
                if (write.TryStart())
                {
                    batch.Add(write);
                }
            }

            if (batch.Count > 0)
            {
                await commit(batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
    }
}

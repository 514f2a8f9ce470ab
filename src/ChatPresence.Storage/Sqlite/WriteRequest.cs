namespace ChatPresence.Storage.Sqlite;

/// <summary>
/// One caller's write, queued for the single writer. It runs inside a group-commit transaction under a savepoint
/// of its own, and its caller hears back only after that transaction is durable.
/// </summary>
internal abstract class WriteRequest
{
    private const int Queued = 0;
    private const int Started = 1;
    private const int Abandoned = 2;

    private int state;

    /// <summary>Claims the request for a batch; false when its caller cancelled before the writer got to it.</summary>
    public bool TryStart() => Interlocked.CompareExchange(ref state, Started, Queued) == Queued;

    /// <summary>Does the work inside the open transaction.</summary>
    /// <returns>True when directory or presence data changed, so the change stamp must move.</returns>
    public abstract ValueTask<bool> ApplyAsync(SqliteSession session);

    /// <summary>Called once the transaction holding this request has committed.</summary>
    public abstract void Complete();

    public abstract void Fail(Exception exception);

    /// <summary>Once started, a write runs to the end; cancelling only helps while it is still queued.</summary>
    protected bool TryAbandon() => Interlocked.CompareExchange(ref state, Abandoned, Queued) == Queued;
}

/// <summary>A write with a result, given as a delegate so each store operation stays a few lines.</summary>
internal sealed class WriteRequest<T> : WriteRequest
{
    private readonly Func<SqliteSession, ValueTask<(T Result, bool Changed)>> apply;
    private readonly TaskCompletionSource<T> done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationToken cancellationToken;
    private readonly CancellationTokenRegistration registration;
    private T? result;

    public WriteRequest(Func<SqliteSession, ValueTask<(T Result, bool Changed)>> apply, CancellationToken cancellationToken)
    {
        this.apply = apply;
        this.cancellationToken = cancellationToken;
        if (cancellationToken.CanBeCanceled)
        {
            registration = cancellationToken.UnsafeRegister(static s => ((WriteRequest<T>)s!).OnCancelled(), this);
        }
    }

    /// <summary>Continuations run off the writer, so callers never slow the next batch down.</summary>
    public Task<T> Task => done.Task;

    public override async ValueTask<bool> ApplyAsync(SqliteSession session)
    {
        var (value, changed) = await apply(session).ConfigureAwait(false);
        result = value;
        return changed;
    }

    public override void Complete()
    {
        registration.Dispose();
        done.TrySetResult(result!);
    }

    public override void Fail(Exception exception)
    {
        registration.Dispose();
        done.TrySetException(exception);
    }

    private void OnCancelled()
    {
        if (TryAbandon())
        {
            done.TrySetCanceled(cancellationToken);
        }
    }
}

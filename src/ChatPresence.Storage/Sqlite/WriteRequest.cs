namespace ChatPresence.Storage.Sqlite;

/// <summary>
/// One caller's write for the single SQLite writer. It runs inside a group-commit transaction under a savepoint of
/// its own.
/// </summary>
internal abstract class WriteRequest : QueuedWrite
{
    /// <summary>Does the work inside the open transaction.</summary>
    /// <returns>True when directory or presence data changed, so the change stamp must move.</returns>
    public abstract ValueTask<bool> ApplyAsync(SqliteSession session);
}

/// <summary>A write with a result, given as a delegate so each store operation stays a few lines.</summary>
internal sealed class WriteRequest<T> : WriteRequest
{
    private readonly Func<SqliteSession, ValueTask<(T Result, bool Changed)>> apply;
    private readonly TaskCompletionSource<T> done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? result;

    public WriteRequest(Func<SqliteSession, ValueTask<(T Result, bool Changed)>> apply, CancellationToken cancellationToken)
    {
        this.apply = apply;
        AbandonWhenCancelled(cancellationToken);
    }

    /// <summary>Continuations run off the writer, so callers never slow the next batch down.</summary>
    public Task<T> Task => done.Task;

    public override async ValueTask<bool> ApplyAsync(SqliteSession session)
    {
        var (value, changed) = await apply(session).ConfigureAwait(false);
        result = value;
        return changed;
    }

    protected override void OnCommitted() => done.TrySetResult(result!);

    protected override void OnFailed(Exception exception) => done.TrySetException(exception);

    protected override void OnCancelled(CancellationToken cancellationToken) => done.TrySetCanceled(cancellationToken);
}

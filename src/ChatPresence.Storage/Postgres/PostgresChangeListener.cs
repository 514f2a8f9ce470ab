using Npgsql;

namespace ChatPresence.Storage.Postgres;

/// <summary>
/// One dedicated connection per host that LISTENs on the schema's change channel (see
/// <see cref="PostgresChangeLog.ChannelSql"/>) and turns every notification into a signal. It reconnects with
/// jittered exponential backoff (0.5 s up to 30 s) and signals after every (re)connect, because notifications sent while
/// it was away are lost: the reader then catches up from the change log. Started on first use.
/// </summary>
internal sealed class PostgresChangeListener(string connectionString, PostgresOutage outage) : IAsyncDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>How long the connection may stay silent before it is checked with a query.</summary>
    private static readonly TimeSpan Liveness = TimeSpan.FromSeconds(15);

    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private TaskCompletionSource signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? loop;

    /// <summary>Completes at the next notification or reconnect since the previous call, or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        TaskCompletionSource current;
        lock (gate)
        {
            loop ??= Task.Run(RunAsync);
            current = signal;
        }

        try
        {
            await current.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A safety poll: the caller reads the log anyway.
        }

        lock (gate)
        {
            // A signal after this point completes the new source; the caller reads the log after this, so nothing is missed.
            if (signal == current)
            {
                signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Stops listening; safe to call twice (the token source is left to the GC for that reason).</summary>
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        Task? running;
        lock (gate)
        {
            running = loop;
        }

        if (running is not null)
        {
            await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void Signal()
    {
        lock (gate)
        {
            signal.TrySetResult();
        }
    }

    private async Task RunAsync()
    {
        var backoff = FirstBackoff;
        var token = stopping.Token;
        while (!token.IsCancellationRequested)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(token).ConfigureAwait(false);
                string channel;
                await using (var command = new NpgsqlCommand(PostgresChangeLog.ChannelSql, connection))
                {
                    channel = (string)(await command.ExecuteScalarAsync(token).ConfigureAwait(false))!;
                }

                connection.Notification += (_, _) => Signal();
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresChatStore.QuoteIdentifier(channel)};", connection))
                {
                    await listen.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                // Listening from here on: whatever was committed before is read from the log.
                backoff = FirstBackoff;
                outage.Recovered(started);
                Signal();
                while (true)
                {
                    if (!await connection.WaitAsync(Liveness, token).ConfigureAwait(false))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1;", connection);
                        await ping.ExecuteScalarAsync(token).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (PostgresOutage.IsUnavailable(exception) || exception is NpgsqlException or InvalidOperationException)
            {
                outage.Report(exception);
            }

            var jittered = backoff * (0.5 + (Random.Shared.NextDouble() / 2));
            try
            {
                await Task.Delay(jittered, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
        }
    }
}

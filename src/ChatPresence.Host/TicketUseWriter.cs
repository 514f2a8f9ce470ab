using ChatPresence.Domain;
using ChatPresence.Domain.Identity;

namespace ChatPresence.Host;

/// <summary>
/// Writes the last uses of the tickets this host remembers back to the store every
/// <see cref="TicketAuthority.WriteBackInterval"/> (sliding expiry without a write per request), and all of them when
/// the host stops.
/// </summary>
internal sealed partial class TicketUseWriter(TicketAuthority tickets, TimeProvider clock, ILogger<TicketUseWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TicketAuthority.WriteBackInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await tickets.WriteBackUsesAsync(everyNewerUse: false, stoppingToken);
                }
                catch (StoreUnavailableException)
                {
                    // The store logs an outage once; the uses stay in memory and go with the next write-back.
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogWriteBackFailed(logger, e.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            // A graceful stop writes every use still in memory only: after a restart the tickets live as long as before.
            await tickets.WriteBackUsesAsync(everyNewerUse: true, cancellationToken);
        }
        catch (StoreUnavailableException)
        {
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing ticket uses back to the store failed ({Error}); retried at the next interval.")]
    private static partial void LogWriteBackFailed(ILogger logger, string error);
}

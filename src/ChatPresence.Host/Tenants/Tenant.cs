using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Live;
using ChatPresence.Storage;

namespace ChatPresence.Host.Tenants;

/// <summary>
/// One configured tenant: its own service provider (<see cref="TenantServices"/>) and whether its store is open. The
/// store is created, migrated and given its initial directory on the tenant's first request; until that succeeds the
/// tenant answers 503 and tries again on the next request. The gate puts it in the request's features.
/// </summary>
internal sealed class Tenant(TenantSite site, ServiceProvider services) : IServiceProvider
{
    private readonly SemaphoreSlim opening = new(1, 1);
    private volatile bool open;

    public string Id { get; } = site.Id!;

    public TenantSite Site { get; } = site;

    public bool IsOpen => open;

    /// <summary>How long a tenant whose store failed to open answers 503 before the next attempt.</summary>
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    private long retryAt;

    /// <summary>Whether the last attempt to open the store failed (for health).</summary>
    public bool Failed { get; private set; }

    /// <summary>The last attempt failed moments ago: answer 503 without trying again (nor logging again) yet.</summary>
    public bool CoolingDown => Failed && Environment.TickCount64 < Interlocked.Read(ref retryAt);

    public object? GetService(Type serviceType) => services.GetService(serviceType);

    /// <summary>
    /// Opens the store: creates and migrates it; when <paramref name="serving"/>, also imports the initial directory
    /// into an empty store, loads the read model and starts following changes.
    /// </summary>
    public async Task OpenAsync(bool serving, ILogger logger, CancellationToken cancellationToken)
    {
        await opening.WaitAsync(cancellationToken);
        try
        {
            if (open)
            {
                return;
            }

            if (Site.PostgresSchema is null && Path.GetDirectoryName(Site.DatabasePath) is { } folder)
            {
                Directory.CreateDirectory(folder);
            }

            try
            {
                await ChatPresenceApplication.PrepareStoreAsync(services, serving, logger, cancellationToken);
                if (serving)
                {
                    await services.GetRequiredService<DirectoryCache>().GetAsync(cancellationToken);
                    await services.GetRequiredService<DirectoryFollower>().StartAsync(cancellationToken);
                    await services.GetRequiredService<TicketUseWriter>().StartAsync(cancellationToken);
                }
            }
            catch
            {
                Failed = true;
                Interlocked.Exchange(ref retryAt, Environment.TickCount64 + (long)RetryAfterFailure.TotalMilliseconds);
                throw;
            }

            Failed = false;
            open = true;
        }
        finally
        {
            opening.Release();
        }
    }

    /// <summary>
    /// Stops what the tenant started and closes its store. The provider itself is not disposed: it hands out the host's
    /// own singletons too, which the host disposes.
    /// </summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (!open)
        {
            return;
        }

        await services.GetRequiredService<TicketUseWriter>().StopAsync(cancellationToken);
        await services.GetRequiredService<DirectoryFollower>().StopAsync(cancellationToken);
        services.GetRequiredService<PresenceFeed>().Dispose();
        switch (services.GetRequiredService<IChatStore>())
        {
            case IAsyncDisposable store:
                await store.DisposeAsync();
                break;
            case IDisposable store:
                store.Dispose();
                break;
        }
    }
}

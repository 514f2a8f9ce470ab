using Microsoft.Extensions.Primitives;

namespace ChatPresence.Host.Tenants;

/// <summary>
/// The served tenants' routes as one endpoint source that can be replaced while the host runs (a tenant added by a
/// configuration reload): routing rebuilds its matcher when the change token fires.
/// </summary>
internal sealed class TenantEndpoints : EndpointDataSource
{
    private readonly Lock replacing = new();
    private IReadOnlyList<Endpoint> endpoints = [];
    private CancellationTokenSource changed = new();

    public override IReadOnlyList<Endpoint> Endpoints => Volatile.Read(ref endpoints);

    public override IChangeToken GetChangeToken()
    {
        lock (replacing)
        {
            return new CancellationChangeToken(changed.Token);
        }
    }

    /// <summary>Maps <paramref name="map"/> on a route builder of its own and serves what it mapped from now on.</summary>
    public void Replace(IServiceProvider services, IApplicationBuilder app, Action<IEndpointRouteBuilder> map)
    {
        var builder = new RouteBuilder(services, app);
        map(builder);
        var next = builder.DataSources.SelectMany(source => source.Endpoints).ToArray();
        CancellationTokenSource old;
        lock (replacing)
        {
            Volatile.Write(ref endpoints, next);
            old = changed;
            changed = new CancellationTokenSource();
        }

        old.Cancel();
        old.Dispose();
    }

    private sealed class RouteBuilder(IServiceProvider services, IApplicationBuilder app) : IEndpointRouteBuilder
    {
        public IServiceProvider ServiceProvider => services;

        public ICollection<EndpointDataSource> DataSources { get; } = [];

        public IApplicationBuilder CreateApplicationBuilder() => app.New();
    }
}

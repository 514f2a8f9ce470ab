using ChatPresence.Domain;
using ChatPresence.Domain.Security;
using ChatPresence.Rest;
using ChatPresence.Soap;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ChatPresence.Host.Tenants;

/// <summary>
/// The tenants this host serves (<c>ChatPresence:Tenants</c>): one service provider each, built from the host's
/// registrations with <see cref="TenantServices"/> replaced by the tenant's own, so each has its own store, read model,
/// feed, tickets, throttle and reply caches while options, logging, metrics and the clock stay the host's.
/// <para>
/// The SOAP and REST routes are mapped once below <c>/{tenant}</c>, for every tenant: the gate finds the request's
/// tenant by its segment (one dictionary lookup) and the route is served by that tenant's services. Routing, its
/// memory and the route tag of the request metrics stay those of one tenant however many are served (mapped per
/// tenant, 100 tenants made routing several times dearer). An unknown segment: SOAP's plain 404, REST's 404 body.
/// </para>
/// </summary>
internal sealed partial class TenantRegistry : IAsyncDisposable
{
    private readonly Lock adding = new();
    private readonly HostServiceDescriptors host;
    private readonly IServiceProvider root;
    private readonly IConfiguration configuration;
    private readonly ILogger<TenantRegistry> logger;
    private Dictionary<string, Tenant> byId = new(StringComparer.OrdinalIgnoreCase); // replaced whole, never changed

    public TenantRegistry(
        IOptionsMonitor<ChatPresenceOptions> options, HostServiceDescriptors host, IServiceProvider root, IConfiguration configuration, ILogger<TenantRegistry> logger)
    {
        this.host = host;
        this.root = root;
        this.configuration = configuration;
        this.logger = logger;
        var refused = Add(options.CurrentValue);
        if (refused.Count > 0)
        {
            throw new OptionsValidationException(TenantId.Section, typeof(TenantOptions), refused);
        }

        options.OnChange(Reloaded);
    }

    /// <summary>Whether the configuration names any tenant (decided once, when the host is built).</summary>
    public static bool IsConfigured(IConfiguration configuration) => configuration.GetSection(TenantId.Section).GetChildren().Any();

    public IEnumerable<Tenant> All => Volatile.Read(ref byId).Values;

    public Tenant? Find(string id) => Volatile.Read(ref byId).GetValueOrDefault(id);

    /// <summary>
    /// Maps the SOAP and REST routes below <c>/{tenant}</c>, served by the request's tenant (a tenant added by a reload
    /// is served from then on), the REST 404 for <c>/api/v1</c> without a tenant, and the gate that finds the tenant
    /// and opens its store on its first request.
    /// </summary>
    public void Map(WebApplication app)
    {
        app.Use(FindTenant);
        var routes = app.MapGroup("/{tenant}").WithMetadata(TenantRoute.Instance);
        routes.MapChatSoapApi(string.Empty, Served);
        routes.MapChatRestApi("/api/v1", Served, "Tenant");
        app.MapChatRestUnmatched("/api/v1");
    }

    /// <summary>The tenant the gate found for the request; none for an unknown segment.</summary>
    private static Tenant? Served(HttpContext context) => context.Features.Get<Tenant>();

    /// <summary>
    /// Adds the tenants of <paramref name="options"/> not served yet; returns why some could not be (their keys).
    /// Tenants already served keep their services: a reload changes nothing about them.
    /// </summary>
    private List<string> Add(ChatPresenceOptions options)
    {
        var refused = new List<string>();
        lock (adding)
        {
            var security = root.GetRequiredService<SecurityOptions>();
            var next = new Dictionary<string, Tenant>(byId, StringComparer.OrdinalIgnoreCase);
            var tokenless = new List<string>();
            foreach (var (id, settings) in options.Tenants.OrderBy(t => t.Key, StringComparer.OrdinalIgnoreCase))
            {
                if (next.ContainsKey(id))
                {
                    continue;
                }

                if (TenantId.Refuse([id]) is { } bad)
                {
                    refused.Add(bad);
                    continue;
                }

                var site = TenantSite.For(id, settings, options, configuration.GetConnectionString("ChatPresence"));
                if (security.Mode == InstallationMode.Online && site.Security(security).ApplicationTokens.Count == 0)
                {
                    tokenless.Add($"{TenantId.Section}:{id}:ApplicationTokens");
                    continue;
                }

                next.Add(id, new Tenant(site, BuildProvider(host.Services, root, site, configuration)));
            }

            if (tokenless.Count > 0)
            {
                refused.Add($"ChatPresence:Mode is Online but neither ChatPresence:Security:ApplicationTokens nor {string.Join(", ", tokenless)} is set: no call could succeed.");
            }

            Volatile.Write(ref byId, next);
        }

        return refused;
    }

    /// <summary>A configuration reload: tenants it names that are not served yet are added (removing one needs a restart).</summary>
    private void Reloaded(ChatPresenceOptions options)
    {
        var before = All.Select(t => t.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var failure in Add(options))
        {
            LogNotAdded(logger, failure);
        }

        var added = All.Where(t => !before.Contains(t.Id)).Select(t => t.Id).ToArray();
        if (added.Length > 0)
        {
            LogAdded(logger, string.Join(", ", added));
        }
    }

    /// <summary>
    /// Before a tenant route runs: the tenant named by its segment (none: the route answers 404), whose store must be
    /// open (one volatile read once it is, and no async frame of ours on the request). A store that cannot be opened
    /// answers this tenant's request with 503 and Retry-After; other tenants are not involved.
    /// </summary>
    private Task FindTenant(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<TenantRoute>() is null
            || context.Request.RouteValues["tenant"] is not string id || Find(id) is not { } tenant)
        {
            return next(context);
        }

        context.Features.Set(tenant);
        return tenant.IsOpen ? next(context) : OpenThenServeAsync(context, next, tenant);
    }

    private async Task OpenThenServeAsync(HttpContext context, RequestDelegate next, Tenant tenant)
    {
        if (tenant.CoolingDown)
        {
            await UnavailableAsync(context);
            return;
        }

        try
        {
            await tenant.OpenAsync(serving: true, logger, context.RequestAborted);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogOpenFailed(logger, tenant.Id, e is StoreUnavailableException ? e.Message : e.GetType().Name + ": " + e.Message);
            await UnavailableAsync(context);
            return;
        }

        await next(context);
    }

    /// <summary>
    /// 503 with Retry-After. A REST route answers with the REST error body of any store outage (ErrorType
    /// Unavailable, in the caller's language), written by the host's own facade: the tenant's cannot be built on a
    /// store that does not open. SOAP gets the bare 503 a WCF client reports as "server too busy".
    /// </summary>
    private static Task UnavailableAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<Rest.Endpoints.RestApiMarker>() is not null)
        {
            var call = Rest.Endpoints.RestCall.Of(context);
            var path = context.Request.Path.Value ?? string.Empty;
            var below = path.IndexOf(ApiPrefix, StringComparison.OrdinalIgnoreCase);
            var refusal = new StoreUnavailableException("A tenant's store did not open.", null).ToRefusal(call.Language);
            return context.RequestServices.GetRequiredService<Rest.Endpoints.RestCalls>()
                .Fail(refusal, call, below < 0 ? path : path[(below + ApiPrefix.Length)..]).ExecuteAsync(context);
        }

        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = ((int)StoreUnavailableException.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("This tenant's store is unavailable; try again later.", context.RequestAborted);
    }

    private const string ApiPrefix = "/api/v1/";

    public async ValueTask DisposeAsync()
    {
        foreach (var tenant in All)
        {
            await tenant.CloseAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// The tenant's provider: the host's registrations, except that <see cref="TenantServices"/> are the tenant's own
    /// and hosted services are left out (the tenant starts its follower itself). A host singleton registered once is
    /// handed out as the host's instance (logging, metrics, options values, the clock, the JWT validator); open generics
    /// and multiple registrations are copied (they build from those).
    /// </summary>
    private static ServiceProvider BuildProvider(IServiceCollection host, IServiceProvider root, TenantSite site, IConfiguration configuration)
    {
        var own = new ServiceCollection().AddTenantServices(configuration);
        var ownTypes = own.Select(d => d.ServiceType).Append(typeof(TenantSite)).ToHashSet();
        var once = host.Where(d => !d.IsKeyedService).GroupBy(d => d.ServiceType).Where(g => g.Count() == 1).Select(g => g.Key).ToHashSet();
        IServiceCollection tenant = new ServiceCollection();
        foreach (var descriptor in host)
        {
            if (ownTypes.Contains(descriptor.ServiceType) || descriptor.ServiceType == typeof(IHostedService))
            {
                continue;
            }

            if (!descriptor.IsKeyedService && descriptor.Lifetime == ServiceLifetime.Singleton && !descriptor.ServiceType.IsGenericTypeDefinition
                && once.Contains(descriptor.ServiceType))
            {
                var type = descriptor.ServiceType;
                tenant.AddSingleton(type, _ => root.GetRequiredService(type));
            }
            else
            {
                tenant.Add(descriptor);
            }
        }

        foreach (var descriptor in own)
        {
            tenant.Add(descriptor);
        }

        tenant.AddSingleton(site);
        tenant.AddSingleton(new Rest.Formatting.ReplyScope(site.Id!)); // ETags never shared with another tenant's
        tenant.AddSingleton(sp => site.Security(root.GetRequiredService<SecurityOptions>())); // registered last: wins
        return tenant.BuildServiceProvider();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenants added by a configuration reload: {Tenants}")]
    private static partial void LogAdded(ILogger logger, string tenants);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A tenant named by a configuration reload was not added: {Reason}")]
    private static partial void LogNotAdded(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The store of tenant {Tenant} could not be opened; its requests get 503 and it is tried again in 5 s: {Reason}")]
    private static partial void LogOpenFailed(ILogger logger, string tenant, string reason);
}

/// <summary>Marks the routes shared by every tenant (below <c>/{tenant}</c>): the gate looks for their tenant.</summary>
internal sealed class TenantRoute
{
    public static readonly TenantRoute Instance = new();

    private TenantRoute()
    {
    }
}

/// <summary>The database check of a host serving tenants: the stores of the tenants opened so far, each asked.</summary>
internal sealed class TenantStoresHealthCheck(TenantRegistry tenants) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = new List<string>();
        foreach (var tenant in tenants.All)
        {
            if (tenant.Failed || (tenant.IsOpen && !await tenant.GetRequiredService<Storage.IChatStore>().CheckHealthAsync(cancellationToken)))
            {
                failing.Add(tenant.Id);
            }
        }

        // One tenant's store failing leaves the others serving: the host stays in rotation, degraded.
        return failing.Count == 0
            ? HealthCheckResult.Healthy("The stores of the tenants opened so far answer.")
            : HealthCheckResult.Degraded($"The stores of these tenants do not answer: {string.Join(", ", failing)}.");
    }
}

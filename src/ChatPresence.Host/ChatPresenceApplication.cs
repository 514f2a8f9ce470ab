using ChatPresence.Domain;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Live;
using ChatPresence.Domain.Security;
using ChatPresence.Host.Tenants;
using ChatPresence.Rest;
using ChatPresence.Soap;
using ChatPresence.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace ChatPresence.Host;

/// <summary>Builds the whole service: used by Program and by the test hosts, so both run the same wiring.</summary>
public static class ChatPresenceApplication
{
    public static async Task<WebApplication> CreateAsync(string[] args, bool loadInitialDirectory = true, Action<WebApplicationBuilder>? customize = null)
    {
        // Content root at the binaries, so appsettings.json is found whatever the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        customize?.Invoke(builder);
        builder.AddChatPresence();
        var app = builder.Build();
        try
        {
            await StartupRetry.RunAsync(app, loadInitialDirectory, async ct =>
            {
                await app.PrepareStoreAsync(loadInitialDirectory, ct);
                if (loadInitialDirectory && app.Services.GetService<TenantRegistry>() is null)
                {
                    // Load the read model before the first request, so the first poll does not pay for it.
                    await app.Services.GetRequiredService<DirectoryCache>().GetAsync(ct);
                }
            });
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        app.MapChatPresence();
        return app;
    }

    public static WebApplicationBuilder AddChatPresence(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddChatPresenceOptions();
        services.TryAddSingleton(TimeProvider.System); // tests put a manual clock in first
        services.AddSingleton(sp => TenantSite.Implicit(sp.GetRequiredService<IOptions<ChatPresenceOptions>>().Value));
        services.AddTenantServices(configuration);
        var tenants = TenantRegistry.IsConfigured(configuration);
        if (tenants)
        {
            // Each tenant gets its own copy of the services above (TenantRegistry); the host-wide ones stay unused.
            services.AddSingleton(new HostServiceDescriptors(services));
            services.AddSingleton<TenantRegistry>();
            services.AddHealthChecks()
                .AddCheck<TenantStoresHealthCheck>("database", tags: [HealthTags.Database, HealthTags.Ready]);
        }
        else
        {
            services.AddHostedService(sp => sp.GetRequiredService<DirectoryFollower>());
            services.AddHostedService(sp => sp.GetRequiredService<TicketUseWriter>());
            services.AddHealthChecks()
                .AddCheck<StoreHealthCheck>("database", tags: [HealthTags.Database, HealthTags.Ready])
                .AddCheck<ReadModelHealthCheck>("read-model", tags: [HealthTags.Ready]);
        }

        builder.AddChatPresenceTelemetry();
        services.AddProxySettings();
        services.AddChatSoap(configuration);
        services.AddChatRest(configuration);
        return builder;
    }

    public static WebApplication MapChatPresence(this WebApplication app)
    {
        app.UseConfiguredForwardedHeaders();
        app.UseMiddleware<ClientFaultMiddleware>();

        // /health as it always was (the database); /health/live: the process serves; /health/ready: database and read
        // model. GET and HEAD only: any other method is 405 with Allow, like every other GET-only route.
        var getOrHead = new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]);
        app.MapHealthChecks("/health", new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Database) }).WithMetadata(getOrHead);
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).WithMetadata(getOrHead);
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Ready) }).WithMetadata(getOrHead);
        if (app.Services.GetService<TenantRegistry>() is { } tenants)
        {
            tenants.Map(app);
            app.MapChatRestOpenApi();
        }
        else
        {
            app.MapChatSoapApi();
            app.MapChatRestApi();
        }

        app.MapChatPresenceTelemetry();
        if (app.Environment.IsDevelopment() || app.Configuration.GetValue<bool>($"{ChatPresenceOptions.Section}:ApiReference:Enabled"))
        {
            // An API reference page to read and try /openapi/v1.json (with its security schemes) at /scalar.
            app.MapScalarApiReference(options => options.WithTitle("ChatPresence REST facade").AddDocument(RestServiceExtensions.OpenApiDocument));
        }

        app.MapBoardPage();
        return app;
    }

    /// <summary>
    /// Migrates the schema and, on an empty database, imports the initial directory. A host serving tenants prepares
    /// each tenant's store on its first request instead (<see cref="Tenant.OpenAsync"/>).
    /// </summary>
    public static async Task PrepareStoreAsync(this WebApplication app, bool loadInitialDirectory, CancellationToken cancellationToken)
    {
        if (app.Services.GetService<TenantRegistry>() is null)
        {
            await PrepareStoreAsync(app.Services, loadInitialDirectory, app.Logger, cancellationToken);
        }
    }

    /// <summary>One tenant's store (the implicit one, or a configured tenant's from its own services).</summary>
    internal static async Task PrepareStoreAsync(IServiceProvider services, bool loadInitialDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<IChatStore>();
        await store.MigrateAsync(cancellationToken);
        if (!loadInitialDirectory || !await store.IsEmptyAsync(cancellationToken))
        {
            return;
        }

        var site = services.GetRequiredService<TenantSite>();
        await using var file = site.InitialDirectory is { } path
            ? File.OpenRead(path)
            : services.GetRequiredService<IHostEnvironment>().IsDevelopment() ? typeof(ChatPresenceApplication).Assembly.GetManifestResourceStream("demo-directory.json") : null;
        if (file is null)
        {
            return;
        }

        var importer = ActivatorUtilities.CreateInstance<DirectoryImporter>(services);
        var summary = await importer.ImportAsync(file, cancellationToken);
        logger.LogInformation("Imported the initial directory {Source} of tenant {Tenant}: {Summary}", site.InitialDirectory ?? "(demo)", site.Id ?? "(the host)", summary);
    }

    internal static class HealthTags
    {
        public const string Database = "database";
        public const string Ready = "ready";
    }

    /// <summary>Ready only once the directory read model is in memory, so a new host takes traffic without a cold first poll.</summary>
    private sealed class ReadModelHealthCheck(DirectoryCache cache) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(cache.IsLoaded
                ? HealthCheckResult.Healthy("The directory read model is loaded.")
                : HealthCheckResult.Unhealthy("The directory read model is not loaded yet."));
    }

    private sealed class StoreHealthCheck(IChatStore store) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            await store.CheckHealthAsync(cancellationToken)
                ? HealthCheckResult.Healthy("The database answers.")
                : HealthCheckResult.Unhealthy("The database does not answer.");
    }
}

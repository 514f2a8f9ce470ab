using ChatPresence.Domain;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Live;
using ChatPresence.Domain.Security;
using ChatPresence.Rest;
using ChatPresence.Soap;
using ChatPresence.Storage;
using ChatPresence.Storage.Postgres;
using ChatPresence.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace ChatPresence.Host.Tenants;

/// <summary>
/// The services that make up one tenant: its store, read model, presence feed, agent, tickets, passwords, login
/// throttle and application tokens (<see cref="CallerAuthenticator"/>), and the facades' reply caches, calls and
/// stream. A host without tenants registers them once (the implicit tenant); <see cref="TenantRegistry"/> builds one
/// provider per configured tenant from the same list, so nothing below knows tenants exist.
/// </summary>
internal static class TenantServices
{
    /// <summary>Registers one tenant's services; they read where the tenant lives from <see cref="TenantSite"/>.</summary>
    public static IServiceCollection AddTenantServices(this IServiceCollection services, IConfiguration configuration)
    {
        // SQLite: the tenant's own file. PostgreSQL: the one database, the tenant's own schema (created on first use).
        services.AddSingleton<IChatStore>(sp => sp.GetRequiredService<IOptions<ChatPresenceOptions>>().Value switch
        {
            { Storage: StorageEngine.Postgres } => new PostgresChatStore(
                configuration.GetConnectionString("ChatPresence")
                    ?? throw new InvalidOperationException("ChatPresence:Storage is Postgres, but ConnectionStrings:ChatPresence is not set."),
                sp.GetRequiredService<IOptions<PostgresStoreOptions>>().Value,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<PostgresChatStore>(),
                sp.GetRequiredService<TenantSite>().PostgresSchema),
            _ => new SqliteChatStore(sp.GetRequiredService<TenantSite>().DatabasePath),
        });
        services.AddSingleton<IChatDirectoryStore>(sp => sp.GetRequiredService<IChatStore>());
        services.AddSingleton<ICredentialStore>(sp => sp.GetRequiredService<IChatStore>());
        services.AddSingleton<DirectoryCache>();
        services.AddSingleton<DirectoryFollower>();
        services.AddSingleton<TicketUseWriter>();
        services.AddSingleton(sp => new PresenceFeed(
            sp.GetRequiredService<DirectoryCache>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<PresenceFeedOptions>>().Value));
        services.AddSingleton<IChatAgent, ChatAgent>();
        services.AddSingleton<TicketAuthority>();
        services.AddSingleton<Passwords>();
        services.AddSingleton<IBearerTokenValidator>(sp => sp.GetRequiredService<IOptions<JwtOptions>>().Value is { SigningKey.Length: > 0 } jwt
            ? new JwtBearerTokenValidator(jwt, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<TenantSite>().Id)
            : new NoBearerTokens());
        services.AddSingleton(sp => new CallerAuthenticator(
            sp.GetRequiredService<TicketAuthority>(),
            sp.GetRequiredService<Passwords>(),
            sp.GetRequiredService<DirectoryCache>(),
            sp.GetRequiredService<IBearerTokenValidator>(),
            sp.GetRequiredService<SecurityOptions>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IChatStore>() as ILoginAttemptStore)); // PostgreSQL: wrong passwords counted across hosts
        services.AddChatSoapCalls();
        services.AddChatRestCalls();
        return services;
    }
}

/// <summary>The host's service registrations, kept so that each tenant's provider can be built beside them.</summary>
internal sealed class HostServiceDescriptors(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;
}

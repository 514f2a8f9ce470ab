using ChatPresence.Options;
using ChatPresence.Rest.Endpoints;
using ChatPresence.Rest.Formatting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatPresence.Rest;

/// <summary>Wires the /api/v1 endpoints into a host.</summary>
public static class RestServiceExtensions
{
    /// <summary>The OpenAPI document name: served at <c>/openapi/v1.json</c>.</summary>
    public const string OpenApiDocument = "v1";

    /// <summary>
    /// Registers the facade: options from <c>ChatPresence:Rest</c>, the caller resolver, the reply cache and the
    /// OpenAPI document. Needs <c>IChatAgent</c>, <c>CallerAuthenticator</c>, <c>PresenceFeed</c> and
    /// <c>IHostEnvironment</c> from the host.
    /// </summary>
    public static IServiceCollection AddChatRest(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RestOptions>()
            .BindConfiguration(RestOptions.SectionName)
            .ValidateKeys(RestOptions.SectionName)
            .ValidateOnStart();
        services.AddChatRestCalls();
        services.AddOpenApi(OpenApiDocument, RestOpenApi.Configure);
        return services;
    }

    /// <summary>
    /// The facade's singletons that hold one directory's state (caller resolver, reply cache and ETags, the calls, the
    /// presence stream): a host serving several tenants registers them once per tenant.
    /// </summary>
    public static IServiceCollection AddChatRestCalls(this IServiceCollection services)
    {
        services.AddSingleton<RestCallerResolver>();
        services.AddSingleton(sp =>
        {
            var rest = sp.GetRequiredService<IOptions<RestOptions>>().Value;
            return new ReplyCache(rest.ReplyCacheEntries, rest.ReplyCacheBytes, sp.GetService<Formatting.ReplyScope>()?.Name ?? string.Empty);
        });
        services.AddSingleton<RestCalls>();
        services.AddSingleton<Live.PresenceStreamCalls>();
        return services;
    }

    /// <summary>
    /// Maps <c>/api/v1/…</c> and <c>/{tenant}/api/v1/…</c> (the tenant segment is accepted and ignored on-site),
    /// a SuperOffice-style 404/405 for anything else below them, and <c>/openapi/v1.json</c>. Call after routing.
    /// </summary>
    public static IEndpointRouteBuilder MapChatRestApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = new RestServices(endpoints.ServiceProvider);
        foreach (var (prefix, namePrefix) in new[] { ("/api/v1", string.Empty), ("/{tenant}/api/v1", "Tenant") })
        {
            MapApi(endpoints, prefix, services, namePrefix);
        }

        endpoints.MapChatRestOpenApi();
        return endpoints;
    }

    /// <summary>
    /// Maps the API below <paramref name="prefix"/> (e.g. <c>/{tenant}/api/v1</c>) once for every tenant: each call is
    /// served by the facade singletons (see <see cref="AddChatRestCalls"/>) of the provider
    /// <paramref name="servicesOf"/> gives for the request; where it gives none (no such tenant), every route answers
    /// the REST 404. One set of routes whatever the number of tenants: routing costs the same as for one.
    /// </summary>
    public static RouteGroupBuilder MapChatRestApi(
        this IEndpointRouteBuilder endpoints, string prefix, Func<HttpContext, IServiceProvider?> servicesOf, string namePrefix)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(servicesOf);
        var unknown = new RestServices(endpoints.ServiceProvider);
        var api = MapApi(endpoints, prefix, new RestServices(http => servicesOf(http)!), namePrefix);
        api.AddEndpointFilter((context, next) => servicesOf(context.HttpContext) is null
            ? ValueTask.FromResult<object?>(unknown.Calls(context.HttpContext).Unmatched(context.HttpContext, null, routesHere: false))
            : next(context));
        return api;
    }

    /// <summary>
    /// Only the SuperOffice-style 404/405 for everything below <paramref name="prefix"/> (with tenants: a bare
    /// <c>/api/v1</c>, without a tenant segment), with the error body of every other REST 404.
    /// </summary>
    public static IEndpointRouteBuilder MapChatRestUnmatched(this IEndpointRouteBuilder endpoints, string prefix)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = new RestServices(endpoints.ServiceProvider);
        var api = ApiGroup(endpoints, prefix);
        api.MapFallback("{**path}", (HttpContext http, string? path) => services.Calls(http).Unmatched(http, path, routesHere: false)).ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>Maps <c>/openapi/v1.json</c>.</summary>
    public static IEndpointRouteBuilder MapChatRestOpenApi(this IEndpointRouteBuilder endpoints)
    {
        ((IEndpointConventionBuilder)endpoints.MapOpenApi("/openapi/{documentName}.json")).Finally(AlsoHead);
        return endpoints;
    }

    private static RouteGroupBuilder MapApi(IEndpointRouteBuilder endpoints, string prefix, RestServices services, string namePrefix)
    {
        var api = ApiGroup(endpoints, prefix);
        api.MapChatAgentApi(services, namePrefix);
        api.MapPresenceApi(services, namePrefix);
        api.MapSessionApi(services, namePrefix);
        ((IEndpointConventionBuilder)api).Finally(AlsoHead);
        api.MapFallback("{**path}", (HttpContext http, string? path) => services.Calls(http).Unmatched(http, path))
            .ExcludeFromDescription();
        return api;
    }

    /// <summary>What every route below an <c>/api/v1</c> prefix has: the REST marker, the security headers, the call count.</summary>
    private static RouteGroupBuilder ApiGroup(IEndpointRouteBuilder endpoints, string prefix) =>
        endpoints.MapGroup(prefix).WithMetadata(RestApiMarker.Instance).AddEndpointFilter(SecurityHeaders).AddEndpointFilter(RestRequestMetrics.Count);

    /// <summary>HEAD answers wherever GET does (Kestrel sends the headers and drops the body).</summary>
    internal static void AlsoHead(EndpointBuilder endpoint)
    {
        for (var i = 0; i < endpoint.Metadata.Count; i++)
        {
            if (endpoint.Metadata[i] is HttpMethodMetadata methods && methods.HttpMethods.Contains(HttpMethods.Get) && !methods.HttpMethods.Contains(HttpMethods.Head))
            {
                endpoint.Metadata[i] = new HttpMethodMetadata([.. methods.HttpMethods, HttpMethods.Head], methods.AcceptCorsPreflight);
            }
        }
    }

    /// <summary>
    /// On every /api/v1 reply: no MIME sniffing, and no-store, since every reply is either for an authenticated
    /// caller or an error about one.
    /// </summary>
    private static ValueTask<object?> SecurityHeaders(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var headers = context.HttpContext.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store";
        return next(context);
    }
}

/// <summary>
/// The facade singletons one set of routes is served by: one provider's, taken from it when first used, or the
/// request's own provider's (routes shared by every tenant).
/// </summary>
internal sealed class RestServices
{
    private readonly Func<HttpContext, IServiceProvider>? servicesOf;
    private readonly Lazy<RestCalls>? calls;
    private readonly Lazy<Live.PresenceStreamCalls>? live;

    public RestServices(IServiceProvider services)
    {
        calls = new(services.GetRequiredService<RestCalls>);
        live = new(services.GetRequiredService<Live.PresenceStreamCalls>);
    }

    public RestServices(Func<HttpContext, IServiceProvider> servicesOf) => this.servicesOf = servicesOf;

    public RestCalls Calls(HttpContext http) => calls?.Value ?? servicesOf!(http).GetRequiredService<RestCalls>();

    public Live.PresenceStreamCalls Live(HttpContext http) => live?.Value ?? servicesOf!(http).GetRequiredService<Live.PresenceStreamCalls>();
}

using ChatPresence.Options;
using ChatPresence.Rest.Endpoints;
using ChatPresence.Rest.Formatting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
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
        services.AddSingleton<RestCallerResolver>();
        services.AddSingleton(sp =>
        {
            var rest = sp.GetRequiredService<IOptions<RestOptions>>().Value;
            return new ReplyCache(rest.ReplyCacheEntries, rest.ReplyCacheBytes);
        });
        services.AddSingleton<RestCalls>();
        services.AddSingleton<Live.PresenceStreamCalls>();
        services.AddOpenApi(OpenApiDocument, RestOpenApi.Configure);
        return services;
    }

    /// <summary>
    /// Maps <c>/api/v1/…</c> and <c>/{tenant}/api/v1/…</c> (the tenant segment is accepted and ignored on-site),
    /// a SuperOffice-style 404/405 for anything else below them, and <c>/openapi/v1.json</c>. Call after routing.
    /// </summary>
    public static IEndpointRouteBuilder MapChatRestApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        foreach (var (prefix, namePrefix) in new[] { ("/api/v1", string.Empty), ("/{tenant}/api/v1", "Tenant") })
        {
            var api = endpoints.MapGroup(prefix).WithMetadata(RestApiMarker.Instance).AddEndpointFilter(SecurityHeaders).AddEndpointFilter(RestRequestMetrics.Count);
            api.MapChatAgentApi(namePrefix);
            api.MapPresenceApi(namePrefix);
            api.MapSessionApi(namePrefix);
            ((IEndpointConventionBuilder)api).Finally(AlsoHead);
            api.MapFallback("{**path}", (HttpContext http, [FromServices] RestCalls calls, string? path) => calls.Unmatched(http, path))
                .ExcludeFromDescription();
        }

        ((IEndpointConventionBuilder)endpoints.MapOpenApi("/openapi/{documentName}.json")).Finally(AlsoHead);
        return endpoints;
    }

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

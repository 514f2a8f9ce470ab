using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using ChatPresence.Options;
using Microsoft.Extensions.DependencyInjection;

namespace ChatPresence.Soap;

/// <summary>Wires the SOAP endpoints (Chat.svc, SoPrincipal.svc) into a host.</summary>
public static class SoapServiceExtensions
{
    public const string ChatPath = "/Remote/Services86/Chat.svc";
    public const string SoPrincipalPath = "/Remote/Services86/SoPrincipal.svc";

    /// <summary>
    /// Registers the SOAP facade. Needs <c>IChatAgent</c>, <c>CallerAuthenticator</c> and <c>IHostEnvironment</c> in DI.
    /// Options come from <c>ChatPresence:Soap</c> (<see cref="SoapOptions"/>).
    /// </summary>
    public static IServiceCollection AddChatSoap(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SoapOptions>()
            .BindConfiguration(SoapOptions.SectionName)
            .ValidateKeys(SoapOptions.SectionName)
            .ValidateOnStart();
        services.AddChatSoapCalls();
        return services;
    }

    /// <summary>
    /// The facade's singletons that hold one directory's state (the endpoint with its reply cache and kept rows): a
    /// host serving several tenants registers them once per tenant.
    /// </summary>
    public static IServiceCollection AddChatSoapCalls(this IServiceCollection services)
    {
        services.AddSingleton<ChatSoapEndpoint>();
        return services;
    }

    /// <summary>
    /// Maps POST (SOAP 1.1 and 1.2) and GET (<c>?wsdl</c>, <c>?singleWsdl</c>) on <c>/Remote/Services86/Chat.svc</c>
    /// and <c>/Remote/Services86/SoPrincipal.svc</c>, also under a tenant prefix; paths match case-insensitively.
    /// </summary>
    public static IEndpointRouteBuilder MapChatSoapApi(this IEndpointRouteBuilder endpoints)
    {
        foreach (var prefix in new[] { string.Empty, "/{tenant}" })
        {
            Map(endpoints, prefix, endpoints.ServiceProvider);
        }

        return endpoints;
    }

    /// <summary>
    /// Maps Chat.svc and SoPrincipal.svc below <paramref name="prefix"/> (e.g. <c>/{tenant}</c>) once for every tenant:
    /// each call is served by the endpoint singleton (see <see cref="AddChatSoapCalls"/>) of the provider
    /// <paramref name="servicesOf"/> gives for the request; where it gives none (no such tenant), the plain 404 a WCF
    /// host gives for an address it does not serve.
    /// </summary>
    public static IEndpointRouteBuilder MapChatSoapApi(this IEndpointRouteBuilder endpoints, string prefix, Func<HttpContext, IServiceProvider?> servicesOf)
    {
        ArgumentNullException.ThrowIfNull(servicesOf);
        Map(endpoints, prefix, context => servicesOf(context)?.GetRequiredService<ChatSoapEndpoint>());
        return endpoints;
    }

    private static Task NotServed(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    /// <summary>One provider's endpoint singleton, taken from it when first used.</summary>
    private static void Map(IEndpointRouteBuilder endpoints, string prefix, IServiceProvider services)
    {
        ChatSoapEndpoint? endpoint = null;
        Map(endpoints, prefix, _ => endpoint ??= services.GetRequiredService<ChatSoapEndpoint>());
    }

    /// <summary>
    /// Plain request delegates, so that a call creates no request service scope and goes through no parameter binding;
    /// <paramref name="endpointOf"/> gives the request's endpoint singleton, or none: 404.
    /// </summary>
    private static void Map(IEndpointRouteBuilder endpoints, string prefix, Func<HttpContext, ChatSoapEndpoint?> endpointOf)
    {
        string[] methods = [HttpMethods.Post, HttpMethods.Get, HttpMethods.Head];
        endpoints.MapMethods(prefix + ChatPath, methods, context => endpointOf(context) is { } endpoint ? endpoint.HandleChatAsync(context) : NotServed(context))
            .WithDisplayName("SOAP Chat.svc" + prefix)
            .ExcludeFromDescription();
        endpoints.MapMethods(prefix + SoPrincipalPath, methods, context => endpointOf(context) is { } endpoint ? endpoint.HandleSoPrincipalAsync(context) : NotServed(context))
            .WithDisplayName("SOAP SoPrincipal.svc" + prefix)
            .ExcludeFromDescription();
    }
}

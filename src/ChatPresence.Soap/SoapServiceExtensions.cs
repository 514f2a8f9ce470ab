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
        services.AddSingleton<ChatSoapEndpoint>();
        return services;
    }

    /// <summary>
    /// Maps POST (SOAP 1.1 and 1.2) and GET (<c>?wsdl</c>, <c>?singleWsdl</c>) on <c>/Remote/Services86/Chat.svc</c>
    /// and <c>/Remote/Services86/SoPrincipal.svc</c>, also under a tenant prefix; paths match case-insensitively.
    /// </summary>
    public static IEndpointRouteBuilder MapChatSoapApi(this IEndpointRouteBuilder endpoints)
    {
        string[] methods = [HttpMethods.Post, HttpMethods.Get, HttpMethods.Head];

        // The endpoint is a singleton taken from the root provider: plain request delegates, so that a call creates no
        // request service scope and goes through no parameter binding.
        var services = endpoints.ServiceProvider;
        ChatSoapEndpoint? endpoint = null;
        ChatSoapEndpoint Endpoint() => endpoint ??= services.GetRequiredService<ChatSoapEndpoint>();
        foreach (var prefix in new[] { string.Empty, "/{tenant}" })
        {
            endpoints.MapMethods(prefix + ChatPath, methods, context => Endpoint().HandleChatAsync(context))
                .WithDisplayName("SOAP Chat.svc" + prefix)
                .ExcludeFromDescription();
            endpoints.MapMethods(prefix + SoPrincipalPath, methods, context => Endpoint().HandleSoPrincipalAsync(context))
                .WithDisplayName("SOAP SoPrincipal.svc" + prefix)
                .ExcludeFromDescription();
        }

        return endpoints;
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatPresence.Soap;

/// <summary>Wires the SOAP endpoints (Chat.svc, SoPrincipal.svc) into a host.</summary>
public static class SoapServiceExtensions
{
    public static IServiceCollection AddChatSoap(this IServiceCollection services, IConfiguration configuration) => services;

    public static IEndpointRouteBuilder MapChatSoapApi(this IEndpointRouteBuilder endpoints) => endpoints;
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatPresence.Rest;

/// <summary>Wires the /api/v1 endpoints into a host.</summary>
public static class RestServiceExtensions
{
    public static IServiceCollection AddChatRest(this IServiceCollection services, IConfiguration configuration) => services;

    public static IEndpointRouteBuilder MapChatRestApi(this IEndpointRouteBuilder endpoints) => endpoints;
}

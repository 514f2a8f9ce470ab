using System.Collections.Concurrent;
using ChatPresence.Domain.Telemetry;
using ChatPresence.Rest.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ChatPresence.Rest;

/// <summary>
/// Counts every /api/v1 call by operation and outcome (ok, or the error body's ErrorType) from the handler's result,
/// so no route has to. Operation names are worked out once per endpoint.
/// </summary>
internal static class RestRequestMetrics
{
    private static readonly ConcurrentDictionary<Endpoint, string> Operations = new();

    public static ValueTask<object?> Count(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var pending = next(context);
        if (!pending.IsCompletedSuccessfully)
        {
            return CountAsync(context.HttpContext, pending);
        }

        Record(context.HttpContext, pending.Result);
        return pending;
    }

    private static async ValueTask<object?> CountAsync(HttpContext http, ValueTask<object?> pending)
    {
        var result = await pending;
        Record(http, result);
        return result;
    }

    private static void Record(HttpContext http, object? result)
    {
        var error = result as ErrorResult ?? (result as INestedHttpResult)?.Result as ErrorResult;
        var endpoint = http.GetEndpoint();
        var operation = endpoint is null ? "unmatched" : Operations.GetOrAdd(endpoint, OperationOf);
        ChatPresenceMetrics.Request("rest", operation, error?.Body.ErrorType ?? "ok");
    }

    // The route's last segment (GetChatPresence, GetAll, Login…), the same with or without the tenant prefix.
    private static string OperationOf(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IEndpointNameMetadata>() is null || endpoint is not RouteEndpoint route
            ? "unmatched"
            : route.RoutePattern.RawText?.TrimEnd('/').Split('/')[^1] ?? "unmatched";
}

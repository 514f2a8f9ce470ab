namespace ChatPresence.Host;

/// <summary>
/// Kestrel's refusals that surface as exceptions while an endpoint reads the body (too slow: 408, too large: 413,
/// malformed chunking: 400) become their own status, logged at Information: a client's mistake is not an Error and
/// not a 500. Endpoints that answer these themselves (REST error bodies) never let them reach here.
/// </summary>
internal sealed partial class ClientFaultMiddleware(RequestDelegate next, ILogger<ClientFaultMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            LogRefused(logger, context.Request.Path, e.StatusCode, e.Message);
            context.Response.Clear();
            context.Response.StatusCode = e.StatusCode;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Request to {Path} refused with {Status}: {Reason}")]
    private static partial void LogRefused(ILogger logger, PathString path, int status, string reason);
}

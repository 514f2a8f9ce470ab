using System.Collections.Frozen;

namespace ChatPresence.Host;

/// <summary>
/// The presence board: three static files embedded in the host, served at <c>/</c> and <c>/{tenant}/</c> (page) and
/// <c>board/…</c> below them (script, style), with a Content-Security-Policy that allows only this origin's script and
/// style files: no inline script or style, no framing, nothing sent elsewhere.
/// </summary>
internal static class BoardPage
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    // A tenant segment is a plain name: "favicon.ico" or "x.svc" is not a board, and neither are the host's own
    // top-level routes (a switched-off /scalar or /metrics must stay 404, not become a tenant's board).
    private const string Tenant = "{tenant:regex(^(?!(api|health|metrics|openapi|scalar|remote)$)[A-Za-z0-9_-]{{1,64}}$)}";

    private static readonly FrozenDictionary<string, (string Resource, string ContentType)> Assets = new Dictionary<string, (string, string)>
    {
        ["board.js"] = ("Board/board.js", "text/javascript; charset=utf-8"),
        ["board.css"] = ("Board/board.css", "text/css; charset=utf-8"),
        ["icon.svg"] = ("Board/icon.svg", "image/svg+xml"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly Lazy<FrozenDictionary<string, byte[]>> Files = new(Load);

    public static IEndpointRouteBuilder MapBoardPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", Page).ExcludeFromDescription();
        endpoints.MapGet("/" + Tenant + "/", Page).ExcludeFromDescription();
        endpoints.MapGet("/board/{file}", Asset).ExcludeFromDescription();
        endpoints.MapGet("/" + Tenant + "/board/{file}", Asset).ExcludeFromDescription();
        return endpoints;
    }

    private static Task Page(HttpContext http)
    {
        if (!ServedTenant(http))
        {
            return Results.NotFound().ExecuteAsync(http);
        }

        // Relative asset and API paths need the trailing slash: /acme → /acme/.
        if (!http.Request.Path.Value!.EndsWith('/'))
        {
            http.Response.Redirect(http.Request.PathBase + http.Request.Path + "/", permanent: false);
            return Task.CompletedTask;
        }

        return Write(http, "Board/index.html", "text/html; charset=utf-8");
    }

    private static Task Asset(HttpContext http, string file) =>
        ServedTenant(http) && Assets.TryGetValue(file, out var asset)
            ? Write(http, asset.Resource, asset.ContentType)
            : Results.NotFound().ExecuteAsync(http);

    /// <summary>
    /// Without tenants any segment (or none) is the one implicit tenant's board. With tenants the board lives only below
    /// a served tenant's segment, like every route it calls: elsewhere it would be a page whose every call is 404.
    /// </summary>
    private static bool ServedTenant(HttpContext http) =>
        http.RequestServices.GetService<Tenants.TenantRegistry>() is not { } tenants
        || (http.Request.RouteValues["tenant"] is string id && tenants.Find(id) is not null);

    private static Task Write(HttpContext http, string resource, string contentType)
    {
        var body = Files.Value[resource];
        var response = http.Response;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        headers.CacheControl = "no-cache";
        return HttpMethods.IsHead(http.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body, http.RequestAborted).AsTask();
    }

    private static FrozenDictionary<string, byte[]> Load()
    {
        var assembly = typeof(BoardPage).Assembly;
        return Assets.Values.Select(a => a.Resource).Append("Board/index.html").ToFrozenDictionary(
            name => name,
            name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)
                    ?? throw new InvalidOperationException($"the host no longer embeds {name}");
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                return copy.ToArray();
            },
            StringComparer.Ordinal);
    }
}

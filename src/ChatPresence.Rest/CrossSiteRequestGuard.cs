using ChatPresence.Rest.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ChatPresence.Rest;

/// <summary>
/// Refuses what a foreign page can make a browser send with the user's cached credentials (Basic, a cookie) and no
/// CORS preflight: an unsafe method with a form, multipart or text/plain body (or none declared). Such a request
/// passes only with a sign that it is not a cross-site one: an <c>X-XSRF-TOKEN</c> header (a custom header needs a
/// preflight this host never grants), <c>Sec-Fetch-Site: same-origin</c> or <c>none</c>, or an <c>Origin</c> equal to
/// the host's own. A request with neither <c>Origin</c> nor <c>Sec-Fetch-Site</c> is no browser's cross-site request
/// (every current browser sends one of them with a cross-site POST) and passes: curl and scripts keep working.
/// Applies whatever the credential; JSON and XML bodies need a preflight and are not affected.
/// </summary>
internal static class CrossSiteRequestGuard
{
    public static void Check(HttpRequest request, string language)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || !IsSimpleBody(request.ContentType)
            || request.Headers.ContainsKey(RestHeaders.XsrfToken))
        {
            return;
        }

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        var origin = request.Headers[HeaderNames.Origin].ToString();
        var crossSite = site.Length > 0
            ? !site.Equals("same-origin", StringComparison.OrdinalIgnoreCase) && !site.Equals("none", StringComparison.OrdinalIgnoreCase)
            : origin.Length > 0 && !IsOwnOrigin(request, origin);
        if (crossSite)
        {
            throw RestRefusals.CrossSiteRequest(language);
        }
    }

    /// <summary>The CORS-safelisted body types (sendable cross-site without a preflight), or none at all.</summary>
    private static bool IsSimpleBody(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return true;
        }

        var media = contentType.AsSpan();
        var semicolon = media.IndexOf(';');
        media = (semicolon < 0 ? media : media[..semicolon]).Trim();
        return media.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || media.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || media.Equals("text/plain", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsOwnOrigin(HttpRequest request, string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && uri.Scheme.Equals(request.Scheme, StringComparison.OrdinalIgnoreCase)
        && uri.Authority.Equals(request.Host.Value, StringComparison.OrdinalIgnoreCase)
        && uri.AbsolutePath == "/";
}

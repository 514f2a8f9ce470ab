using System.Buffers;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;
using ChatPresence.Contract.Language;
using ChatPresence.Contract.Refusals;
using ChatPresence.Rest.Binding;
using ChatPresence.Domain;
using ChatPresence.Domain.Security;
using ChatPresence.Domain.Telemetry;
using ChatPresence.Domain.Text;
using ChatPresence.Rest.Formatting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace ChatPresence.Rest.Errors;

/// <summary>The SuperOffice error body, as documented for the OpenAPI description.</summary>
/// <param name="Error">Always true.</param>
/// <param name="ErrorType">What kind of refusal: a refusal reason (ErrorMap): InvalidRequest, NotAuthenticated, …, UnsupportedMediaType, NotAcceptable, PayloadTooLarge, RequestTimeout, NotFound, MethodNotAllowed, UnexpectedError.</param>
/// <param name="ErrorMessage">A text in the caller's language (SO-Language / Accept-Language).</param>
/// <param name="ErrorSource">The call that failed, e.g. Agents/Chat/SaveChatPresence.</param>
internal sealed record ErrorBody(
    [property: JsonPropertyName("Error")] bool Error,
    [property: JsonPropertyName("ErrorType")] string ErrorType,
    [property: JsonPropertyName("ErrorMessage")] string ErrorMessage,
    [property: JsonPropertyName("ErrorSource")] string ErrorSource);

/// <summary>
/// A refusal with the SuperOffice error body <c>{"Error":true,"ErrorType":…,"ErrorMessage":…,"ErrorSource":…}</c>
/// (XML <c>ErrorInformation</c> when XML was asked for), a real status, and a WWW-Authenticate challenge on 401.
/// </summary>
internal sealed class ErrorResult(int status, ErrorBody body, WireFormat format) : IResult, IEndpointMetadataProvider
{
    /// <summary>Challenges sent with 401: the schemes this facade understands (Basic only where it is accepted).</summary>
    public static readonly string[] Challenges = ["SoTicket realm=\"ChatPresence\"", "Bearer realm=\"ChatPresence\""];

    private static readonly string[] ChallengesWithBasic = [.. Challenges, "Basic realm=\"ChatPresence\", charset=\"UTF-8\""];

    private static readonly int[] DocumentedStatuses = [400, 401, 403, 404, 406, 408, 413, 415, 429, 500];

    public int StatusCode { get; } = status;

    public ErrorBody Body { get; } = body;

    public WireFormat Format { get; } = format;

    /// <summary>Sent as Retry-After (whole seconds) with 429.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The refusal this reply stands for.</summary>
    public RefusalReason Reason { get; private init; }

    /// <summary>
    /// Turns anything thrown while serving a call into its reply: the refusal's reason (through <see cref="ErrorMap"/>)
    /// and its text, localized here, when the reply is written.
    /// </summary>
    public static ErrorResult From(Exception exception, string language, string source, WireFormat format, bool development)
    {
        var (reason, message, retryAfter) = exception switch
        {
            ChatPresenceException refusal => (Refusal.Of(refusal.Reason), refusal.Localize(language), refusal.RetryAfter),
            RefusalException refusal => (refusal.Reason, refusal.Message, null),

            // A body that parsed but does not bind (a missing member, a wrong type): the binder says what, we say where.
            BindingException binding => (RefusalReason.InvalidRequest, Texts.Get(language, TextId.InvalidRequest, binding.Message), null),

            // Kestrel's own refusals while the body is read (too slow: 408, too large: 413): the client's doing, not ours.
            BadHttpRequestException bad => (ServerRefusal(bad.StatusCode), Texts.Get(language, TextId.InvalidRequest, bad.Message), (TimeSpan?)null),
            _ => (RefusalReason.Unexpected, Unexpected(exception, language, development), null),
        };

        var (status, errorType) = ErrorMap.Of(reason);
        return new(status, new(true, errorType, message, source), format) { Reason = reason, RetryAfter = retryAfter };
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        if (StatusCode == StatusCodes.Status401Unauthorized)
        {
            // No Basic challenge to a browser: it would prompt, then send the cached credentials with any page's request.
            var basic = (httpContext.RequestServices.GetService<CallerAuthenticator>()?.BasicAllowed ?? false) && !LooksLikeBrowser(httpContext.Request);
            response.Headers.WWWAuthenticate = basic ? ChallengesWithBasic : Challenges;
        }

        if (RetryAfter is { } wait)
        {
            response.Headers.RetryAfter = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        response.Headers.CacheControl = "no-store";
        byte[] bytes;
        if (Format == WireFormat.Xml)
        {
            response.ContentType = "application/xml; charset=utf-8";
            bytes = ToXml(Body);
        }
        else
        {
            response.ContentType = "application/json; charset=utf-8";
            bytes = ToJson(Body);
        }

        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, httpContext.RequestAborted);
    }

    /// <summary>Fetch metadata (sent by every current browser) or a navigation's Accept that asks for HTML.</summary>
    private static bool LooksLikeBrowser(HttpRequest request) =>
        request.Headers.ContainsKey("Sec-Fetch-Mode")
        || request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var status in DocumentedStatuses)
        {
            builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ErrorBody), ["application/json", "application/xml"]));
        }
    }

    /// <summary>The reason of a refusal Kestrel made while the body was read.</summary>
    private static RefusalReason ServerRefusal(int status) => status switch
    {
        StatusCodes.Status408RequestTimeout => RefusalReason.RequestTimeout,
        StatusCodes.Status413PayloadTooLarge => RefusalReason.PayloadTooLarge,
        _ => RefusalReason.InvalidRequest,
    };

    /// <summary>The body with request text (paths, names) made safe for any document: the writers cannot refuse it.</summary>
    private static ErrorBody Safe(ErrorBody body) =>
        body with { ErrorType = DocumentText.Safe(body.ErrorType), ErrorMessage = DocumentText.Safe(body.ErrorMessage), ErrorSource = DocumentText.Safe(body.ErrorSource) };

    public static byte[] ToJson(ErrorBody body)
    {
        body = Safe(body);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, PresenceJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("Error", body.Error);
            writer.WriteString("ErrorType", body.ErrorType);
            writer.WriteString("ErrorMessage", body.ErrorMessage);
            writer.WriteString("ErrorSource", body.ErrorSource);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] ToXml(ErrorBody body)
    {
        body = Safe(body);
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, PresenceXml.WriterSettings))
        {
            writer.WriteStartElement("ErrorInformation", PresenceXml.ContractNamespace);
            writer.WriteElementString("Error", PresenceXml.ContractNamespace, body.Error ? "true" : "false");
            writer.WriteElementString("ErrorType", PresenceXml.ContractNamespace, body.ErrorType);
            writer.WriteElementString("ErrorMessage", PresenceXml.ContractNamespace, body.ErrorMessage);
            writer.WriteElementString("ErrorSource", PresenceXml.ContractNamespace, body.ErrorSource);
            writer.WriteEndElement();
        }

        return stream.ToArray();
    }

    private static string Unexpected(Exception exception, string language, bool development)
    {
        var text = Texts.Get(language, TextId.UnexpectedError);
        return development ? $"{text} {exception.GetType().FullName}: {exception.Message}" : Correlation.Append(text);
    }
}

/// <summary>HTTP header names used by the facade.</summary>
internal static class RestHeaders
{
    public const string SoLanguage = "SO-Language";
    public const string SoAppToken = "SO-AppToken";
    public const string SoCulture = "SO-Culture";
    public const string SoTimeZone = "SO-TimeZone";
    public const string XsrfToken = "X-XSRF-TOKEN";

    public static string Language(HttpRequest request) =>
        CallerLanguage.Choose(request.Headers[SoLanguage].ToString(), request.Headers[HeaderNames.AcceptLanguage].ToString());
}

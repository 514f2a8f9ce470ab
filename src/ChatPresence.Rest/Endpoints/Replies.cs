using System.Buffers;
using System.Reflection;
using System.Text.Json;
using ChatPresence.Compression;
using ChatPresence.Contract.Rights;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Presence;
using ChatPresence.Rest.Formatting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;

namespace ChatPresence.Rest.Endpoints;

/// <summary>
/// A presence list reply with a strong ETag; polling clients revalidate with If-None-Match. Usually cached bytes; a
/// list too large to hold is streamed instead (chunked, written as it is sent).
/// </summary>
internal sealed class PresenceReply : IResult, IEndpointMetadataProvider
{
    /// <summary>What the reply varies with, besides the URL.</summary>
    internal const string VaryOn = "Accept, Accept-Encoding, Accept-Language, SO-Language, Authorization, Cookie";

    private const int ChunkBytes = 32 * 1024;

    private readonly (PresenceList List, ReplyFormat Format, Selection Selection)? streamed;
    private readonly ContentCoding coding;

    public PresenceReply(CachedReply reply)
        : this(reply, ContentCoding.Identity)
    {
    }

    internal PresenceReply(CachedReply reply, ContentCoding coding)
    {
        Reply = reply;
        this.coding = coding;
        ETag = ReplyCompression.ETagFor(reply.ETag, coding);
    }

    private PresenceReply(PresenceList list, ReplyFormat format, Selection selection, string etag, ContentCoding coding)
    {
        streamed = (list, format, selection);
        this.coding = coding;
        ETag = ReplyCompression.ETagFor(etag, coding);
    }

    /// <summary>The cached bytes; null for a streamed reply.</summary>
    public CachedReply? Reply { get; }

    public string ETag { get; }

    /// <summary>The ETag is the identity one; the reply's own adds the coding's suffix.</summary>
    internal static PresenceReply Streamed(PresenceList list, ReplyFormat format, Selection selection, string etag, ContentCoding coding) => new(list, format, selection, etag, coding);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        SetValidators(response, ETag);
        ReplyCompression.SetContentEncoding(response, coding);
        if (Reply is not null)
        {
            // Compressed at most once per cache entry, whoever asks.
            var body = Reply.Encoded.For(coding);
            response.ContentType = Reply.ContentType;
            response.ContentLength = body.Length;
            await ReplyBody.WriteAsync(response.Body, body, httpContext.RequestAborted);
            return;
        }

        var (list, format, selection) = streamed!.Value;
        response.ContentType = format.ContentType;
        if (coding == ContentCoding.Identity)
        {
            await WriteStreamingAsync(response.Body, list, format, selection, httpContext.RequestAborted);
            return;
        }

        await using var compressed = ReplyCompression.Open(response.Body, coding);
        await WriteStreamingAsync(compressed, list, format, selection, httpContext.RequestAborted);
    }

    private static Task WriteStreamingAsync(Stream body, PresenceList list, ReplyFormat format, Selection selection, CancellationToken cancellationToken) =>
        format.Format == WireFormat.Xml
            ? PresenceXml.WriteStreamingAsync(body, list.Items, ReplyRights.For(list.Language), selection, ChunkBytes, cancellationToken)
            : PresenceJson.WriteStreamingAsync(body, list.Items, ReplyRights.For(list.Language), selection, ChunkBytes, cancellationToken);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(ChatPresenceDocument[]), ["application/json", "text/json", "application/xml", "text/xml"]));
    }

    internal static void SetValidators(HttpResponse response, string etag)
    {
        response.Headers.ETag = etag;

        // Cache-Control is no-store (set for every /api/v1 reply): authenticated data is not kept by browsers or
        // proxies; polling clients still revalidate with their own If-None-Match.
        response.Headers.Vary = VaryOn;
    }
}

/// <summary>304: the client's copy (If-None-Match) is current. No body.</summary>
internal sealed class NotModifiedReply(string etag) : IResult, IEndpointMetadataProvider
{
    public string ETag { get; } = etag;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status304NotModified;
        PresenceReply.SetValidators(httpContext.Response, ETag);
        return Task.CompletedTask;
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status304NotModified));
    }

    /// <summary>Whether an If-None-Match header names <paramref name="etag"/> (weak comparison, as RFC 9110 asks) or is <c>*</c>.</summary>
    public static bool Matches(string? ifNoneMatch, string etag)
    {
        if (string.IsNullOrEmpty(ifNoneMatch))
        {
            return false;
        }

        foreach (var candidate in ifNoneMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var tag = candidate.StartsWith("W/", StringComparison.Ordinal) ? candidate[2..] : candidate;
            if (tag == "*" || string.Equals(tag, etag, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A bare boolean: <c>true</c> in JSON, <c>&lt;boolean&gt;</c> in DataContract XML.</summary>
internal sealed class BooleanReply(bool value, ReplyFormat format) : IResult, IEndpointMetadataProvider
{
    private static readonly byte[] True = "true"u8.ToArray();
    private static readonly byte[] False = "false"u8.ToArray();
    private static readonly byte[] XmlTrue = PresenceXml.SerializeBoolean(true);
    private static readonly byte[] XmlFalse = PresenceXml.SerializeBoolean(false);

    public bool Value { get; } = value;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var body = format.Format == WireFormat.Xml ? (Value ? XmlTrue : XmlFalse) : (Value ? True : False);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = format.ContentType;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(bool), ["application/json", "text/json", "application/xml", "text/xml"]));
    }
}

/// <summary>The answer to a GET on an agent (RPC) route: what the call does and how to make it. Nothing is invoked.</summary>
internal sealed class CallDescription(string method, string route, string summary, string request, string response) : IResult, IEndpointMetadataProvider
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var http = httpContext.Response;
        http.StatusCode = StatusCodes.Status200OK;
        http.ContentType = "application/json; charset=utf-8";
        http.Headers[HeaderNames.Allow] = "GET, POST";
        using var writer = new System.Text.Json.Utf8JsonWriter(http.BodyWriter, PresenceJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("Method", method);
        writer.WriteString("Route", route);
        writer.WriteString("Description", summary);
        writer.WriteString("Request", request);
        writer.WriteString("Response", response);
        writer.WriteString("OpenApi", "/openapi/v1.json");
        writer.WriteEndObject();
        await writer.FlushAsync(httpContext.RequestAborted);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(CallDescriptionDocument), ["application/json"]));
    }
}

/// <summary>A successful login: who is logged in (the ticket is only in the HttpOnly cookie).</summary>
internal sealed class LoginReply : IResult, IEndpointMetadataProvider
{
    private readonly ArrayBufferWriter<byte> body = new(128);

    /// <summary>Renders the body at once, so a failure shows while the login can still revoke its ticket.</summary>
    public LoginReply(ChatUser user)
    {
        User = user;
        using var writer = new Utf8JsonWriter(body, PresenceJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteNumber("UserId", user.Id);
        writer.WriteString("LoginName", user.LoginName);
        writer.WriteString("DisplayName", user.DisplayName);
        writer.WriteEndObject();
    }

    public ChatUser User { get; }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.WrittenCount;
        return response.Body.WriteAsync(body.WrittenMemory, httpContext.RequestAborted).AsTask();
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(SessionUser), ["application/json"]));
    }
}

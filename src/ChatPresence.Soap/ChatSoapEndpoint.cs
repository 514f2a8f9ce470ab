using System.Text;
using ChatPresence.Compression;
using ChatPresence.Contract.Presence;
using ChatPresence.Contract.Language;
using ChatPresence.Contract.Refusals;
using ChatPresence.Contract.Security;
using ChatPresence.Domain;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Security;
using ChatPresence.Domain.Telemetry;
using ChatPresence.Domain.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatPresence.Soap;

/// <summary>
/// Serves <c>Remote/Services86/Chat.svc</c> and <c>Remote/Services86/SoPrincipal.svc</c>: POST is a SOAP 1.1 or 1.2
/// call (version from the Content-Type), GET <c>?wsdl</c>/<c>?singleWsdl</c> the metadata. Each operation is one
/// call into <see cref="IChatAgent"/> or <see cref="CallerAuthenticator"/>. Business and authentication failures are
/// replies with <c>Succeeded=false</c> and ExceptionInfo; what never reaches an operation is a SOAP fault.
/// </summary>
public sealed partial class ChatSoapEndpoint
{
    private readonly IChatAgent agent;
    private readonly CallerAuthenticator authenticator;
    private readonly SoapOptions options;
    private readonly SoapEnvelopeReader reader;
    private readonly ReplyCache replies;
    private readonly ReplyCompression compression;
    private readonly RowFragmentCache fragments;
    private readonly bool includeDetail;
    private readonly ILogger<ChatSoapEndpoint> logger;

    public ChatSoapEndpoint(
        IChatAgent agent,
        CallerAuthenticator authenticator,
        IOptions<SoapOptions> options,
        IHostEnvironment environment,
        ILogger<ChatSoapEndpoint> logger)
    {
        this.agent = agent;
        this.authenticator = authenticator;
        this.options = options.Value;
        this.logger = logger;
        reader = new SoapEnvelopeReader(this.options);
        replies = new ReplyCache(this.options.ReplyCacheEntries, this.options.ReplyCacheBytes);
        fragments = new RowFragmentCache(this.options.RowFragmentCacheBytes);
        compression = new ReplyCompression(this.options.CompressReplies, this.options.CompressionMinimumBytes);
        includeDetail = this.options.IncludeExceptionDetail ?? environment.IsDevelopment();
    }

    /// <summary>How many serialized replies are cached (for tests and diagnostics).</summary>
    public int CachedReplies => replies.Count;

    public Task HandleChatAsync(HttpContext context) => HandleAsync(context, SoapService.Chat);

    public Task HandleSoPrincipalAsync(HttpContext context) => HandleAsync(context, SoapService.SoPrincipal);

    public async Task HandleAsync(HttpContext context, SoapService service)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            await ServeMetadataAsync(context, service);
            return;
        }

        var version = SoapVersion.FromContentType(request.ContentType, out var contentTypeAction);
        if (version is null)
        {
            await WriteFaultAsync(context, SoapVersion.Soap11, SoapFaultReason.UnsupportedMediaType);
            return;
        }

        var action = version.Is12 ? contentTypeAction : SoapVersion.Unquote(request.Headers["SOAPAction"].ToString());
        var httpOperation = SoapOperation.None;
        var httpAction = string.Empty;
        if (!action.IsEmpty)
        {
            httpOperation = SoapOperations.FromAction(service, action);
            httpAction = httpOperation == SoapOperation.None ? action.ToString() : SoapOperations.Action(httpOperation);
            if (httpOperation == SoapOperation.None && !version.Is12)
            {
                // SOAP 1.2 waits for the envelope: with WS-Addressing, wsa:Action decides (WsAddressing.CheckDispatch).
                await WriteFaultAsync(context, version, new SoapFaultException(SoapFaultReason.ActionNotSupported, httpAction));
                return;
            }
        }

        if (request.ContentLength > options.MaxBodyBytes)
        {
            await WriteFaultAsync(context, version, SoapFaultReason.BodyTooLarge);
            return;
        }

        var cancellationToken = context.RequestAborted;
        using var body = new PooledBufferStream((int)Math.Clamp(request.ContentLength ?? 4096, 256, options.MaxBodyBytes + 1L));
        bool complete;
        try
        {
            complete = await body.FillAsync(request.Body, options.MaxBodyBytes, cancellationToken);
        }
        catch (BadHttpRequestException e)
        {
            // The client's doing (too slow for the minimum data rate: 408; a broken framing: 400), never an Error.
            LogBadBody(logger, e.StatusCode, e.Message);
            context.Response.StatusCode = e.StatusCode;
            return;
        }

        if (!complete)
        {
            await WriteFaultAsync(context, version, SoapFaultReason.BodyTooLarge);
            return;
        }

        if (body.Length == 0)
        {
            await WriteFaultAsync(context, version, SoapFaultReason.EmptyBody);
            return;
        }

        if (SoapCharset.Check(request.ContentType, body.WrittenSpan) is { } charsetFault)
        {
            await WriteFaultAsync(context, version, charsetFault);
            return;
        }

        SoapRequest soap;
        try
        {
            soap = RepeatedEnvelope.Read(context, reader, body, version, service, httpOperation);
            WsAddressing.CheckDispatch(soap, service, httpAction);
        }
        catch (SoapFaultException fault)
        {
            await WriteFaultAsync(context, version, fault, httpAction, httpOperation);
            return;
        }

        var language = CallerLanguage.Choose(request.Headers["SO-Language"].ToString(), request.Headers.AcceptLanguage.ToString());
        await DispatchAsync(context, version, soap, language, cancellationToken);
    }

    private async Task DispatchAsync(HttpContext context, SoapVersion version, SoapRequest soap, string language, CancellationToken cancellationToken)
    {
        // Traces group by operation, as WCF's do: the route alone would make every call "POST …/Chat.svc".
        if (SoapMetricNames.SpanName(soap.Operation) is { } spanName)
        {
            SpanName.Set(spanName);
        }

        var timeZone = TimeZoneEcho.From(soap);
        var addressing = soap.Addressing == SoapAddressing.None
            ? default(ReadOnlyMemory<byte>)
            : Encoding.UTF8.GetBytes(WsAddressing.ReplyHeaders(soap, WsAddressing.ResponseAction(soap.Operation)));
        using var reply = new PooledBufferStream(1024);
        var outcome = "ok";
        try
        {
            switch (soap.Operation)
            {
                case SoapOperation.GetChatPresence:
                {
                    var caller = await AuthenticateAsync(context, soap, language, cancellationToken);
                    var list = await agent.GetChatPresenceAsync(caller, cancellationToken);
                    if (list.Items.Count > options.StreamRepliesAboveRows)
                    {
                        await WriteStreamedPresenceAsync(context, version, timeZone, list, addressing, cancellationToken);
                        return;
                    }

                    if (replies.TryGetEncoded(version, list.Tag, timeZone, out var cached))
                    {
                        ChatPresenceMetrics.PresenceRead("soap", fromCache: true, cached.Identity.Length);
                        await WritePresenceAsync(context, version, cached, cacheKept: true, addressing);
                        return;
                    }

                    if (fragments.IsEnabled && !replies.IsEnabled && addressing.IsEmpty)
                    {
                        // Reply cache off: the kept rows go to the client as they are, never copied into a reply first.
                        using var pieces = new ReplyPieces();
                        GetChatPresenceReply.Write(pieces, version, timeZone, list, fragments);
                        if (compression.Choose(context.Request, (int)Math.Min(int.MaxValue, pieces.Length)) == ContentCoding.Identity)
                        {
                            ChatPresenceMetrics.PresenceRead("soap", fromCache: false, (int)pieces.Length);
                            SetVary(context.Response);
                            context.Response.StatusCode = StatusCodes.Status200OK;
                            context.Response.ContentType = version.ContentType;
                            context.Response.ContentLength = pieces.Length;
                            await pieces.WriteToAsync(context.Response.Body, cancellationToken);
                            return;
                        }

                        pieces.CopyTo(reply);
                    }
                    else
                    {
                        // Into one buffer the kept rows do not pay (copying them costs what encoding them does: 1.2-1.5x
                        // slower than afresh at 5,000 users, bench SoapReplyBenchmarks): only sent as pieces, above.
                        SoapReplyWriter.WriteGetChatPresence(reply, version, timeZone, list);
                    }

                    ChatPresenceMetrics.PresenceRead("soap", fromCache: false, reply.WrittenSpan.Length);
                    if (replies.Accepts(reply.WrittenSpan.Length))
                    {
                        var encoded = new EncodedReply(reply.WrittenSpan.ToArray());
                        replies.Add(version, list.Tag, timeZone, encoded);
                        await WritePresenceAsync(context, version, encoded, cacheKept: true, addressing);
                        return;
                    }

                    if (compression.Choose(context.Request, reply.Length) != ContentCoding.Identity)
                    {
                        // Nothing keeps this reply (cache off or too large): compressed for this request alone.
                        await WritePresenceAsync(context, version, new EncodedReply(reply.WrittenSpan.ToArray()), cacheKept: false, addressing);
                        return;
                    }

                    SetVary(context.Response);
                    break;
                }

                case SoapOperation.SaveChatPresence:
                {
                    var caller = await AuthenticateAsync(context, soap, language, cancellationToken);
                    await agent.SaveChatPresenceAsync(caller, SaveEntries.ToUpdates(soap.Presences ?? [], language), cancellationToken);
                    SoapReplyWriter.WriteEmptyResponse(reply, version, soap.Operation, timeZone, null);
                    break;
                }

                case SoapOperation.IsWithinOpeningHours:
                {
                    var caller = await AuthenticateAsync(context, soap, language, cancellationToken);
                    var open = await agent.IsWithinOpeningHoursAsync(caller, soap.ChatTopicId, cancellationToken);
                    SoapReplyWriter.WriteIsWithinOpeningHours(reply, version, timeZone, open);
                    break;
                }

                default:
                {
                    // The reply is rendered before the call returns, so a ticket whose reply fails is revoked.
                    await authenticator.LoginAsync(
                        soap.UserName, soap.Password, soap.ApplicationToken, ClientAddress(context), language,
                        login => SoapReplyWriter.WriteAuthenticate(reply, version, timeZone, login), cancellationToken);
                    break;
                }
            }
        }
        catch (ChatPresenceException e)
        {
            outcome = ChatPresenceMetrics.ReasonName(e.Reason);
            reply.Reset();
            var info = SoapRefusals.InfoFor(Refusal.Of(e.Reason), e.Localize(language), ServiceName(soap.Operation), includeDetail ? e.StackTrace : null);
            SoapReplyWriter.WriteEmptyResponse(reply, version, soap.Operation, timeZone, info);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnexpected(logger, e, soap.Operation);
            outcome = "UnexpectedError";
            reply.Reset();
            var text = includeDetail ? Texts.Get(language, TextId.UnexpectedError) : Correlation.Append(Texts.Get(language, TextId.UnexpectedError));
            var info = SoapRefusals.InfoFor(RefusalReason.Unexpected, text, ServiceName(soap.Operation), includeDetail ? e.ToString() : null);
            SoapReplyWriter.WriteEmptyResponse(reply, version, soap.Operation, timeZone, info);
        }
        finally
        {
            ChatPresenceMetrics.Request("soap", SoapMetricNames.Of(soap.Operation), outcome);
        }

        await WriteReplyAsync(context, version, StatusCodes.Status200OK, reply.WrittenMemory, addressing);
    }

    /// <summary>
    /// A GetChatPresence reply, the only SOAP reply ever compressed (a presence list carries no secret; see
    /// <see cref="ReplyCompression"/>): in the coding the client accepts, made once per cache entry. A reply to a
    /// WS-Addressing request carries per-request headers spliced into the cached bytes, so it is compressed on the way.
    /// </summary>
    private async Task WritePresenceAsync(HttpContext context, SoapVersion version, EncodedReply reply, bool cacheKept, ReadOnlyMemory<byte> addressing)
    {
        var coding = compression.Choose(context.Request, reply.Identity.Length);
        SetVary(context.Response);
        ReplyCompression.SetContentEncoding(context.Response, coding);
        if (!addressing.IsEmpty && coding != ContentCoding.Identity)
        {
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = version.ContentType;
            await using var compressed = ReplyCompression.Open(response.Body, coding);
            await WriteSplicedAsync(compressed, reply.Identity, addressing, context.RequestAborted);
            return;
        }

        var bytes = reply.For(coding, out var made);
        if (made && cacheKept)
        {
            replies.Compressed(bytes.Length);
        }

        await WriteReplyAsync(context, version, StatusCodes.Status200OK, bytes, addressing);
    }

    /// <summary>Chunked (the length is not known before the last row is written), compressed on the way when accepted.</summary>
    private async Task WriteStreamedPresenceAsync(HttpContext context, SoapVersion version, TimeZoneEcho timeZone, Domain.Presence.PresenceList list, ReadOnlyMemory<byte> addressing, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = version.ContentType;
        SetVary(response);
        var coding = compression.Choose(context.Request, length: null);
        if (coding == ContentCoding.Identity)
        {
            await SoapReplyWriter.WriteGetChatPresenceStreamingAsync(response.Body, version, timeZone, list, cancellationToken, extraHeaders: addressing);
            return;
        }

        ReplyCompression.SetContentEncoding(response, coding);
        await using var compressed = ReplyCompression.Open(response.Body, coding);
        await SoapReplyWriter.WriteGetChatPresenceStreamingAsync(compressed, version, timeZone, list, cancellationToken, extraHeaders: addressing);
    }

    private void SetVary(HttpResponse response)
    {
        if (compression.Enabled)
        {
            response.Headers.Vary = "Accept-Encoding";
        }
    }

    private ValueTask<Caller> AuthenticateAsync(HttpContext context, SoapRequest soap, string language, CancellationToken cancellationToken) =>
        authenticator.AuthenticateAsync(
            WireCredential.FromSoapTicket(soap.Ticket, authenticator.Mode), soap.ApplicationToken, ClientAddress(context), language, cancellationToken);

    private static string? ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString();

    private static string ServiceName(SoapOperation operation) =>
        operation == SoapOperation.AuthenticateUsernamePassword ? "SoPrincipal" : "Chat";

    /// <summary>
    /// GET and HEAD as WCF's metadata endpoint answers them (ServiceMetadataExtension.HttpGetImpl): <c>?wsdl</c> and
    /// <c>?singleWsdl</c> the WSDL, <c>?xsd=xsdN</c> its Nth schema, anything else the service help page.
    /// </summary>
    private static async Task ServeMetadataAsync(HttpContext context, SoapService service)
    {
        var request = context.Request;
        var query = request.Query;
        var address = string.Concat(request.Scheme, "://", request.Host.ToUriComponent(), request.PathBase.ToUriComponent(), request.Path.ToUriComponent());
        var wsdl = WsdlDocument.For(service);
        byte[] bytes;
        string contentType = "text/xml; charset=utf-8";
        if ((query.TryGetValue("wsdl", out var wsdlValue) && string.IsNullOrEmpty(wsdlValue.ToString())) || query.ContainsKey("singleWsdl"))
        {
            bytes = wsdl.Render(address);
        }
        else if (query.TryGetValue("xsd", out var xsd) && SchemaIndex(xsd.ToString(), wsdl.SchemaCount) is { } index)
        {
            bytes = wsdl.RenderSchema(index, address);
        }
        else
        {
            bytes = ServiceHelpPage.Render(service, address);
            contentType = ServiceHelpPage.ContentType;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(request.Method))
        {
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        }
    }

    /// <summary>N of <c>xsdN</c> when such a schema exists (WCF's query names are case-insensitive).</summary>
    private static int? SchemaIndex(string value, int count) =>
        value.StartsWith("xsd", StringComparison.OrdinalIgnoreCase)
        && int.TryParse(value.AsSpan(3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
        && index < count
            ? index
            : null;

    private static Task WriteFaultAsync(HttpContext context, SoapVersion version, SoapFaultReason reason) =>
        WriteFaultAsync(context, version, new SoapFaultException(reason));

    /// <summary>
    /// The fault for <paramref name="refusal"/>, with the action or operation its reason names (the HTTP action
    /// when the reader had none) and the WS-Addressing headers of the request it answers.
    /// </summary>
    private static Task WriteFaultAsync(HttpContext context, SoapVersion version, SoapFaultException refusal, string httpAction = "", SoapOperation httpOperation = SoapOperation.None)
    {
        var reason = refusal.Reason;
        var request = refusal.Request;
        var first = refusal.First ?? reason switch
        {
            SoapFaultReason.ActionNotSupported => httpAction,
            SoapFaultReason.DeserializationFailed => (request?.Operation is { } operation and not SoapOperation.None ? operation : httpOperation) is var named and not SoapOperation.None ? named.ToString() : string.Empty,
            _ => null,
        };
        var fault = SoapFault.For(reason, request?.Addressing ?? SoapAddressing.None, first, refusal.Second);
        using var reply = new PooledBufferStream(1024);
        SoapReplyWriter.WriteFault(
            reply, version, fault, WsAddressing.ReplyHeaders(request, fault.Action),
            reason == SoapFaultReason.MustUnderstand && version.Is12 ? (refusal.First!, refusal.Second!) : null);
        if (reason is SoapFaultReason.BodyTooLarge)
        {
            // The rest of the body is not read: don't keep the connection for it.
            context.Response.Headers.Connection = "close";
        }

        return WriteReplyAsync(context, version, fault.Status, reply.WrittenSpan.ToArray());
    }

    /// <summary>Sends <paramref name="bytes"/>, with <paramref name="headers"/> (WS-Addressing) first in its <c>s:Header</c>.</summary>
    private static Task WriteReplyAsync(HttpContext context, SoapVersion version, int status, ReadOnlyMemory<byte> bytes, ReadOnlyMemory<byte> headers = default)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = version.ContentType;
        response.ContentLength = bytes.Length + headers.Length;
        return WriteSplicedAsync(response.Body, bytes, headers, context.RequestAborted);
    }

    private static async Task WriteSplicedAsync(Stream output, ReadOnlyMemory<byte> bytes, ReadOnlyMemory<byte> headers, CancellationToken cancellationToken)
    {
        var at = headers.IsEmpty ? -1 : bytes.Span.IndexOf("<s:Header>"u8);
        if (at < 0)
        {
            await ReplyBody.WriteAsync(output, bytes, cancellationToken);
            return;
        }

        // Every reply writer opens the header as <s:Header> (cached replies too, which is why they are spliced here).
        at += "<s:Header>"u8.Length;
        await output.WriteAsync(bytes[..at], cancellationToken);
        await output.WriteAsync(headers, cancellationToken);
        await ReplyBody.WriteAsync(output, bytes[at..], cancellationToken);
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "SOAP request body refused with {Status}: {Reason}")]
    private static partial void LogBadBody(ILogger logger, int status, string reason);

    [LoggerMessage(EventId = 3100, Level = LogLevel.Error, Message = "Unexpected failure in SOAP operation {Operation}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, SoapOperation operation);
}

using ChatPresence.Domain;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Security;
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
        if (!action.IsEmpty)
        {
            httpOperation = SoapOperations.FromAction(service, action);
            if (httpOperation == SoapOperation.None)
            {
                await WriteFaultAsync(context, version, SoapFaultReason.ActionNotSupported);
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
        }
        catch (SoapFaultException fault)
        {
            await WriteFaultAsync(context, version, fault.Reason);
            return;
        }

        var language = Texts.ChooseLanguage(request.Headers["SO-Language"].ToString(), request.Headers.AcceptLanguage.ToString());
        await DispatchAsync(context, version, soap, language, cancellationToken);
    }

    private async Task DispatchAsync(HttpContext context, SoapVersion version, SoapRequest soap, string language, CancellationToken cancellationToken)
    {
        var timeZone = TimeZoneEcho.From(soap);
        using var reply = new PooledBufferStream(1024);
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
                        // Chunked: the length is not known before the last row is written.
                        context.Response.StatusCode = StatusCodes.Status200OK;
                        context.Response.ContentType = version.ContentType;
                        await SoapReplyWriter.WriteGetChatPresenceStreamingAsync(context.Response.Body, version, timeZone, list, cancellationToken);
                        return;
                    }

                    if (replies.TryGet(version, list.Tag, timeZone, out var bytes))
                    {
                        await WriteReplyAsync(context, version, StatusCodes.Status200OK, bytes);
                        return;
                    }

                    SoapReplyWriter.WriteGetChatPresence(reply, version, timeZone, list);
                    if (replies.Accepts(reply.WrittenSpan.Length))
                    {
                        replies.Add(version, list.Tag, timeZone, reply.WrittenSpan.ToArray());
                    }

                    break;
                }

                case SoapOperation.SaveChatPresence:
                {
                    var caller = await AuthenticateAsync(context, soap, language, cancellationToken);
                    if (soap.HasNilPresence)
                    {
                        throw ChatPresenceException.Create(FailureReason.InvalidRequest, language, TextId.InvalidRequest, "a ChatPresence entry is nil");
                    }

                    await agent.SaveChatPresenceAsync(caller, soap.Presences ?? [], cancellationToken);
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
            reply.Reset();
            var info = new SoapExceptionInfo(e.Message, e.Message, e.Reason.ToString(), ServiceName(soap.Operation), includeDetail ? e.StackTrace : null);
            SoapReplyWriter.WriteEmptyResponse(reply, version, soap.Operation, timeZone, info);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnexpected(logger, e, soap.Operation);
            reply.Reset();
            var text = Texts.Get(language, TextId.UnexpectedError);
            var info = new SoapExceptionInfo(text, text, "UnexpectedError", ServiceName(soap.Operation), includeDetail ? e.ToString() : null);
            SoapReplyWriter.WriteEmptyResponse(reply, version, soap.Operation, timeZone, info);
        }

        await WriteReplyAsync(context, version, StatusCodes.Status200OK, reply.WrittenMemory);
    }

    private ValueTask<Caller> AuthenticateAsync(HttpContext context, SoapRequest soap, string language, CancellationToken cancellationToken) =>
        authenticator.AuthenticateAsync(
            CallerCredential.FromSoapTicket(soap.Ticket, authenticator.Mode), soap.ApplicationToken, ClientAddress(context), language, cancellationToken);

    private static string? ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString();

    private static string ServiceName(SoapOperation operation) =>
        operation == SoapOperation.AuthenticateUsernamePassword ? "SoPrincipal" : "Chat";

    private static async Task ServeMetadataAsync(HttpContext context, SoapService service)
    {
        var request = context.Request;
        var query = request.Query;
        if (!query.ContainsKey("wsdl") && !query.ContainsKey("singleWsdl") && !query.ContainsKey("singlewsdl"))
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(
                $"This is the {(service == SoapService.Chat ? "Chat" : "SoPrincipal")} SOAP service (SOAP 1.1 and 1.2). Its contract is at ?wsdl.\n",
                context.RequestAborted);
            return;
        }

        var address = string.Concat(request.Scheme, "://", request.Host.ToUriComponent(), request.PathBase.ToUriComponent(), request.Path.ToUriComponent());
        var bytes = WsdlDocument.For(service).Render(address);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/xml; charset=utf-8";
        context.Response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(request.Method))
        {
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        }
    }

    private static Task WriteFaultAsync(HttpContext context, SoapVersion version, SoapFaultReason reason)
    {
        var fault = SoapFault.For(reason);
        using var reply = new PooledBufferStream(1024);
        SoapReplyWriter.WriteFault(reply, version, fault);
        if (reason is SoapFaultReason.BodyTooLarge)
        {
            // The rest of the body is not read: don't keep the connection for it.
            context.Response.Headers.Connection = "close";
        }

        return WriteReplyAsync(context, version, fault.Status, reply.WrittenSpan.ToArray());
    }

    private static async Task WriteReplyAsync(HttpContext context, SoapVersion version, int status, ReadOnlyMemory<byte> bytes)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = version.ContentType;
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "SOAP request body refused with {Status}: {Reason}")]
    private static partial void LogBadBody(ILogger logger, int status, string reason);

    [LoggerMessage(EventId = 3100, Level = LogLevel.Error, Message = "Unexpected failure in SOAP operation {Operation}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, SoapOperation operation);
}

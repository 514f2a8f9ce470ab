using System.Net.Http.Headers;
using System.ServiceModel;
using System.ServiceModel.Channels;
using System.ServiceModel.Description;
using System.ServiceModel.Dispatcher;
using System.Text;
using System.Xml;

namespace ChatPresence.Interop.Tests.Wcf;

/// <summary>The client bindings a .NET caller uses against the host, by row name.</summary>
internal static class WcfBindings
{
    /// <summary>BasicHttpBinding: SOAP 1.1, UTF-8, SOAPAction header.</summary>
    public const string Basic = "basic-soap11";

    /// <summary>SOAP 1.2 without addressing: the action travels in the Content-Type.</summary>
    public const string Soap12 = "soap12";

    /// <summary>SOAP 1.2 + WS-Addressing 1.0 (what WSHttpBinding without security sends): the action only in a:Action.</summary>
    public const string Soap12Addressing = "soap12-wsa10";

    /// <summary>SOAP 1.2 + WS-Addressing August 2004 (older WSHttpBinding clients).</summary>
    public const string Soap12Addressing2004 = "soap12-wsa2004";

    /// <summary>SOAP 1.2 in UTF-16.</summary>
    public const string Soap12Utf16 = "soap12-utf16";

    /// <summary>BasicHttpBinding in UTF-16.</summary>
    public const string BasicUtf16 = "basic-soap11-utf16";

    public static readonly string[] All = [Basic, Soap12, Soap12Addressing, Soap12Addressing2004, Soap12Utf16, BasicUtf16];

    public static Binding Create(string name) => name switch
    {
        Basic => new BasicHttpBinding(),
        BasicUtf16 => new BasicHttpBinding { TextEncoding = Encoding.Unicode },
        Soap12 => Text(MessageVersion.CreateVersion(EnvelopeVersion.Soap12, AddressingVersion.None), Encoding.UTF8),
        Soap12Addressing => Text(MessageVersion.Soap12WSAddressing10, Encoding.UTF8),
        Soap12Addressing2004 => Text(MessageVersion.Soap12WSAddressingAugust2004, Encoding.UTF8),
        Soap12Utf16 => Text(MessageVersion.CreateVersion(EnvelopeVersion.Soap12, AddressingVersion.None), Encoding.Unicode),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static CustomBinding Text(MessageVersion version, Encoding encoding) =>
        new(new TextMessageEncodingBindingElement(version, encoding), new HttpTransportBindingElement());
}

/// <summary>
/// One proxy over <see cref="ChannelFactory{TChannel}"/>, as generated-proxy code uses it. Records the addressing
/// headers of the last request and reply (<see cref="Wire"/>) and can rewrite the HTTP request on its way out.
/// </summary>
internal sealed class WcfProxy<T> : IAsyncDisposable
    where T : class
{
    private readonly ChannelFactory<T> factory;

    public WcfProxy(Uri address, string binding, Func<HttpRequestMessage, Task>? rewriteHttp = null)
    {
        factory = new ChannelFactory<T>(WcfBindings.Create(binding), new EndpointAddress(address));
        factory.Endpoint.EndpointBehaviors.Add(new WireBehavior(Wire, rewriteHttp));
        Channel = factory.CreateChannel();
    }

    public T Channel { get; }

    public WireRecord Wire { get; } = new();

    public async ValueTask DisposeAsync()
    {
        var channel = (IClientChannel)Channel;
        try
        {
            if (channel.State == CommunicationState.Faulted)
            {
                channel.Abort();
            }
            else
            {
                await Task.Factory.FromAsync(channel.BeginClose, channel.EndClose, null);
            }

            await Task.Factory.FromAsync(factory.BeginClose, factory.EndClose, null);
        }
        catch (Exception e) when (e is CommunicationException or TimeoutException)
        {
            channel.Abort();
            factory.Abort();
        }
    }
}

/// <summary>Addressing headers seen on the last exchange.</summary>
internal sealed class WireRecord
{
    public UniqueId? RequestMessageId { get; set; }

    public string? RequestAction { get; set; }

    public string? ReplyAction { get; set; }

    public UniqueId? ReplyRelatesTo { get; set; }

    public bool ReplyIsFault { get; set; }
}

/// <summary>Sets a MessageID of our own on addressed requests, records the reply's Action/RelatesTo, and installs an HTTP rewriter.</summary>
internal sealed class WireBehavior(WireRecord record, Func<HttpRequestMessage, Task>? rewriteHttp) : IEndpointBehavior, IClientMessageInspector
{
    public void AddBindingParameters(ServiceEndpoint endpoint, BindingParameterCollection bindingParameters)
    {
        if (rewriteHttp is not null)
        {
            // System.ServiceModel.Http builds its HttpClient pipeline from this binding parameter.
            bindingParameters.Add(new Func<HttpClientHandler, HttpMessageHandler>(inner => new RewritingHandler(inner, rewriteHttp)));
        }
    }

    public void ApplyClientBehavior(ServiceEndpoint endpoint, ClientRuntime clientRuntime) => clientRuntime.ClientMessageInspectors.Add(this);

    public void ApplyDispatchBehavior(ServiceEndpoint endpoint, EndpointDispatcher endpointDispatcher)
    {
    }

    public void Validate(ServiceEndpoint endpoint)
    {
    }

    public object? BeforeSendRequest(ref Message request, IClientChannel channel)
    {
        if (request.Version.Addressing != AddressingVersion.None)
        {
            request.Headers.MessageId = new UniqueId();
            record.RequestMessageId = request.Headers.MessageId;
        }

        record.RequestAction = request.Headers.Action;
        return null;
    }

    public void AfterReceiveReply(ref Message reply, object correlationState)
    {
        record.ReplyIsFault = reply.IsFault;
        record.ReplyAction = reply.Version.Addressing == AddressingVersion.None ? null : reply.Headers.Action;
        record.ReplyRelatesTo = reply.Version.Addressing == AddressingVersion.None ? null : reply.Headers.RelatesTo;
    }

    private sealed class RewritingHandler(HttpMessageHandler inner, Func<HttpRequestMessage, Task> rewrite) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await rewrite(request);
            return await base.SendAsync(request, cancellationToken);
        }
    }
}

/// <summary>HTTP rewrites that produce what a misbehaving or hand-built client sends.</summary>
internal static class HttpRewrites
{
    /// <summary>Adds (or replaces) the SOAP 1.2 <c>action</c> parameter of the Content-Type.</summary>
    public static Func<HttpRequestMessage, Task> ContentTypeAction(string action) => request =>
    {
        var type = request.Content!.Headers.ContentType!;
        foreach (var existing in type.Parameters.Where(p => p.Name.Equals("action", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            type.Parameters.Remove(existing);
        }

        type.Parameters.Add(new NameValueHeaderValue("action", "\"" + action + "\""));
        return Task.CompletedTask;
    };
}

/// <summary>
/// A caller probing for an operation this host does not have, the way code written against a newer service does:
/// the request is a GetChatPresence message under an action the service does not know.
/// </summary>
[ServiceContract(Namespace = Services86.Namespace, Name = "Chat", ConfigurationName = "Services86.ChatProbe")]
public interface ChatProbe
{
    [OperationContract(Action = ProbeAction, ReplyAction = ProbeAction + "Response")]
    Task<GetChatPresenceResponse> GetChatPresenceHistoryAsync(GetChatPresenceRequest request);

    public const string ProbeAction = Services86.ChatAction + "GetChatPresenceHistory";
}

using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using ChatPresence.Domain.Security;
using ChatPresence.Soap.Tests.Infrastructure;
using static ChatPresence.Tests.SoapMessages;

namespace ChatPresence.Soap.Tests;

/// <summary>
/// The wire as a WCF service would write it (docs/wcf-fidelity.md): WS-Addressing dispatch and reply headers, fault
/// codes, namespaces and reasons, nil headers, the service help page and <c>?xsd=</c>.
/// </summary>
public sealed class WcfFidelityTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string AddressingNone = "http://schemas.microsoft.com/ws/2005/05/addressing/none";
    private const string Dispatcher = "http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher";
    private const string MessageId = "urn:uuid:6c1b7a8e-34c2-4d58-9a3f-0d5e8c3b2a11";
    private const string ContractFilterText = "cannot be processed at the receiver, due to a ContractFilter mismatch at the EndpointDispatcher.";

    private readonly HttpClient client = fixture.Host.CreateClient();

    private static string Anonymous(string wsa) => wsa == Wsa10 ? Wsa10 + "/anonymous" : Wsa2004 + "/role/anonymous";

    /// <summary>The headers a WCF client with WS-Addressing writes (Action, MessageID, ReplyTo, To).</summary>
    private static string AddressingHeaders(string wsa, string? action, string? replyTo = "anonymous", bool messageId = true)
    {
        var builder = new StringBuilder();
        if (action is not null)
        {
            builder.Append($"<a:Action s:mustUnderstand=\"1\" xmlns:a=\"{wsa}\">{action}</a:Action>");
        }

        if (messageId)
        {
            builder.Append($"<a:MessageID xmlns:a=\"{wsa}\">{MessageId}</a:MessageID>");
        }

        if (replyTo is not null)
        {
            builder.Append($"<a:ReplyTo xmlns:a=\"{wsa}\"><a:Address>{(replyTo == "anonymous" ? Anonymous(wsa) : replyTo)}</a:Address></a:ReplyTo>");
        }

        builder.Append($"<a:To s:mustUnderstand=\"1\" xmlns:a=\"{wsa}\">http://localhost/Remote/Services86/Chat.svc</a:To>");
        return builder.ToString();
    }

    /// <summary>A SOAP 1.2 request as a WS-Addressing WCF client sends it: no action in the Content-Type unless given.</summary>
    private static HttpRequestMessage Soap12(string path, string envelope, string? httpAction = null)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(envelope)) };
        message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(httpAction is null
            ? "application/soap+xml; charset=utf-8"
            : $"application/soap+xml; charset=utf-8; action=\"{httpAction}\"");
        return message;
    }

    private static XElement? AddressingHeader(SoapReply reply, string wsa, string name) =>
        reply.Xml.Root!.Elements(XName.Get("Header", Env12)).SingleOrDefault()?.Element(XName.Get(name, wsa));

    private static (XName Code, XName? Subcode, string Reason, string? Lang) Fault12(SoapReply reply)
    {
        var fault = reply.Fault!;
        var code = fault.Element(XName.Get("Code", Env12))!;
        var value = code.Element(XName.Get("Value", Env12))!;
        var sub = code.Element(XName.Get("Subcode", Env12))?.Element(XName.Get("Value", Env12));
        var text = fault.Element(XName.Get("Reason", Env12))!.Element(XName.Get("Text", Env12))!;
        return (QName(value), sub is null ? null : QName(sub), text.Value, (string?)text.Attribute(XNamespace.Xml + "lang"));
    }

    private static (XName Code, string Reason, string? Lang) Fault11(SoapReply reply)
    {
        var fault = reply.Fault!;
        var code = fault.Element("faultcode")!;
        var text = fault.Element("faultstring")!;
        return (QName(code), text.Value, (string?)text.Attribute(XNamespace.Xml + "lang"));
    }

    /// <summary>SOAP 1.2 ActionNotSupported for the action …/Chat/DeleteEverything, its subcode in <paramref name="ns"/>.</summary>
    private static void AssertActionNotSupported12(SoapReply reply, string ns)
    {
        Assert.Equal(500, reply.Status);
        var (code, subcode, reason, lang) = Fault12(reply);
        Assert.Equal(XName.Get("Sender", Env12), code);
        Assert.Equal(XName.Get("ActionNotSupported", ns), subcode);
        Assert.StartsWith($"The message with Action '{Tns}/Chat/DeleteEverything' {ContractFilterText}", reason);
        Assert.Equal("en-US", lang);
    }

    private static void AssertFault11(SoapReply reply, XName expectedCode, string reasonStart)
    {
        Assert.Equal(500, reply.Status);
        var (code, reason, lang) = Fault11(reply);
        Assert.Equal(expectedCode, code);
        Assert.StartsWith(reasonStart, reason);
        Assert.Equal("en-US", lang);
    }

    /// <summary>An element's text as a QName resolved against its in-scope namespaces.</summary>
    private static XName QName(XElement element)
    {
        var text = element.Value.Trim();
        var colon = text.IndexOf(':');
        var ns = element.GetNamespaceOfPrefix(colon < 0 ? string.Empty : text[..colon]) ?? XNamespace.None;
        return ns + text[(colon + 1)..];
    }

    // ---- 1. WS-Addressing on SOAP 1.2 ----

    [Theory]
    [InlineData(Wsa10)]
    [InlineData(Wsa2004)]
    public async Task Wsa_Action_naming_an_unknown_operation_is_ActionNotSupported_even_with_a_GetChatPresence_body(string wsa)
    {
        var ticket = await LoginAsync(client, "agent2", "agent2");
        var reply = await SendAsync(client, Soap12(ChatPath, Envelope(true, "<t:GetChatPresence/>", ticket, AddressingHeaders(wsa, Tns + "/Chat/DeleteEverything"))));

        AssertActionNotSupported12(reply, wsa);
        Assert.Equal(wsa + "/fault", AddressingHeader(reply, wsa, "Action")?.Value);
        Assert.Equal(MessageId, AddressingHeader(reply, wsa, "RelatesTo")?.Value);
    }

    [Theory]
    [InlineData(Wsa10, "GetChatPresence")]
    [InlineData(Wsa10, "IsWithinOpeningHours")]
    [InlineData(Wsa2004, "GetChatPresence")]
    [InlineData(Wsa2004, "SaveChatPresence")]
    public async Task Wsa_Action_dispatches_and_the_reply_carries_Action_and_RelatesTo(string wsa, string operation)
    {
        var ticket = await LoginAsync(client, "agent3", "agent3");
        var body = operation switch
        {
            "IsWithinOpeningHours" => "<t:IsWithinOpeningHours><t:ChatTopicId>1</t:ChatTopicId></t:IsWithinOpeningHours>",
            "SaveChatPresence" => "<t:SaveChatPresence><t:ChatPresence><t:ChatPresence><t:UserId>3</t:UserId><t:Present>true</t:Present></t:ChatPresence></t:ChatPresence></t:SaveChatPresence>",
            _ => "<t:GetChatPresence/>",
        };

        // Twice: the second GetChatPresence is served from the reply cache and must still carry this request's headers.
        for (var i = 0; i < 2; i++)
        {
            var reply = await SendAsync(client, Soap12(ChatPath, Envelope(true, body, ticket, AddressingHeaders(wsa, Action(operation)))));

            Assert.Equal(200, reply.Status);
            Assert.Equal("true", reply.Header("Succeeded")!.Value);
            Assert.NotNull(reply.Body.Element(T + (operation + "Response")));
            var action = AddressingHeader(reply, wsa, "Action")!;
            Assert.Equal(Action(operation) + "Response", action.Value);
            Assert.Equal("1", (string?)action.Attribute(XName.Get("mustUnderstand", Env12)));
            Assert.Equal(MessageId, AddressingHeader(reply, wsa, "RelatesTo")?.Value);
        }
    }

    [Fact]
    public async Task SoPrincipal_login_with_WS_Addressing_1_0_answers_with_its_response_action()
    {
        var reply = await SendAsync(client, Soap12(PrincipalPath, Envelope(true,
            "<t:AuthenticateUsernamePassword><t:UserName>agent2</t:UserName><t:Password>agent2</t:Password></t:AuthenticateUsernamePassword>",
            extraHeaders: AddressingHeaders(Wsa10, Action("AuthenticateUsernamePassword")))));
        Assert.Equal(200, reply.Status);
        Assert.Equal(Action("AuthenticateUsernamePassword") + "Response", AddressingHeader(reply, Wsa10, "Action")?.Value);
        Assert.StartsWith("7T:", reply.Xml.Descendants(T + "Ticket").Single().Value);
    }

    [Fact]
    public async Task Wsa_Action_differing_from_the_Content_Type_action_is_the_WCF_ActionMismatch_fault()
    {
        var ticket = await LoginAsync(client, "agent2", "agent2");
        var reply = await SendAsync(client, Soap12(ChatPath,
            Envelope(true, "<t:GetChatPresence/>", ticket, AddressingHeaders(Wsa10, Action("GetChatPresence"))), httpAction: Action("IsWithinOpeningHours")));

        Assert.Equal(500, reply.Status);
        var (code, subcode, reason, _) = Fault12(reply);
        Assert.Equal(XName.Get("Sender", Env12), code);
        Assert.Equal(XName.Get("ActionMismatch", Wsa10), subcode);
        Assert.Equal($"The SOAP action specified on the message, '{Action("GetChatPresence")}', does not match the HTTP SOAP Action, '{Action("IsWithinOpeningHours")}'. ", reason);
        var problem = reply.Fault!.Element(XName.Get("Detail", Env12))!.Element(XName.Get("ProblemHeaderQName", Wsa10))!;
        Assert.Equal(XName.Get("Action", Wsa10), QName(problem));
        Assert.Equal(Wsa10 + "/fault", AddressingHeader(reply, Wsa10, "Action")?.Value);
        Assert.Equal(MessageId, AddressingHeader(reply, Wsa10, "RelatesTo")?.Value);
    }

    [Fact]
    public async Task Wsa_headers_without_an_Action_are_the_WCF_MessageAddressingHeaderRequired_fault()
    {
        var ticket = await LoginAsync(client, "agent2", "agent2");
        var reply = await SendAsync(client, Soap12(ChatPath, Envelope(true, "<t:GetChatPresence/>", ticket, AddressingHeaders(Wsa10, action: null))));

        Assert.Equal(500, reply.Status);
        var (code, subcode, reason, _) = Fault12(reply);
        Assert.Equal(XName.Get("Sender", Env12), code);
        Assert.Equal(XName.Get("MessageAddressingHeaderRequired", Wsa10), subcode);
        Assert.Equal($"No Action header was found with namespace '{Wsa10}' for the given message.", reason);
    }

    [Theory]
    [InlineData(Wsa10)]
    [InlineData(Wsa2004)]
    public async Task Anonymous_ReplyTo_and_no_ReplyTo_are_answered(string wsa)
    {
        var ticket = await LoginAsync(client, "agent2", "agent2");
        foreach (var replyTo in new[] { "anonymous", null })
        {
            var reply = await SendAsync(client, Soap12(ChatPath, Envelope(true, "<t:GetChatPresence/>", ticket, AddressingHeaders(wsa, Action("GetChatPresence"), replyTo))));
            Assert.Equal(200, reply.Status);
            Assert.Equal("true", reply.Header("Succeeded")!.Value);
        }
    }

    [Fact]
    public async Task A_ReplyTo_the_host_cannot_answer_is_refused()
    {
        var ticket = await LoginAsync(client, "agent2", "agent2");
        var elsewhere = await SendAsync(client, Soap12(ChatPath, Envelope(true, "<t:GetChatPresence/>", ticket, AddressingHeaders(Wsa10, Action("GetChatPresence"), "http://client.example/callback"))));
        Assert.Equal(500, elsewhere.Status);
        var (code, subcode, _, _) = Fault12(elsewhere);
        Assert.Equal(XName.Get("Sender", Env12), code);
        Assert.Equal(XName.Get("InvalidAddressingHeader", Wsa10), subcode);
        var inner = elsewhere.Fault!.Element(XName.Get("Code", Env12))!.Element(XName.Get("Subcode", Env12))!.Element(XName.Get("Subcode", Env12))!.Element(XName.Get("Value", Env12))!;
        Assert.Equal(XName.Get("OnlyAnonymousAddressSupported", Wsa10), QName(inner));
        Assert.Empty(elsewhere.Xml.Descendants(T + "Response"));

        // The None address: WCF's own refusal (ImmutableDispatchRuntime: SFxRequestReplyNone, sent as an internal service fault).
        var none = await SendAsync(client, Soap12(ChatPath, Envelope(true, "<t:GetChatPresence/>", ticket, AddressingHeaders(Wsa10, Action("GetChatPresence"), Wsa10 + "/none"))));
        Assert.Equal(500, none.Status);
        (code, subcode, var reason, _) = Fault12(none);
        Assert.Equal(XName.Get("Receiver", Env12), code);
        Assert.Equal(XName.Get("InternalServiceFault", Dispatcher), subcode);
        Assert.StartsWith("The server was unable to process the request due to an internal error.", reason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Requests_without_addressing_get_replies_without_addressing_headers(bool soap12)
    {
        var ticket = await LoginAsync(client, "agent2", "agent2");
        var reply = await CallAsync(client, soap12, "GetChatPresence", "<t:GetChatPresence/>", ticket);
        Assert.Equal(200, reply.Status);
        var header = reply.Xml.Root!.Elements().First();
        Assert.DoesNotContain(header.Elements(), e => e.Name.NamespaceName is Wsa10 or Wsa2004);
    }

    // ---- WS-Addressing headers on SOAP 1.1 (BasicHttpBinding: AddressingVersion.None) ----

    [Fact]
    public async Task Soap11_Wsa_Action_with_mustUnderstand_is_not_understood()
    {
        var ticket = await LoginAsync(client, "agent2", "agent2");
        var envelope = Envelope(false, "<t:GetChatPresence/>", ticket, $"<a:Action s:mustUnderstand=\"1\" xmlns:a=\"{Wsa10}\">{Action("GetChatPresence")}</a:Action>");
        var reply = await SendAsync(client, Request(false, ChatPath, "GetChatPresence", envelope));

        AssertFault11(reply, XName.Get("MustUnderstand", Env11), $"The header 'Action' from the namespace '{Wsa10}' was not understood by the recipient of this message");
    }

    [Fact]
    public async Task Soap11_Wsa_Action_without_mustUnderstand_is_ignored_and_the_SOAPAction_dispatches()
    {
        var ticket = await LoginAsync(client, "agent2", "agent2");
        var envelope = Envelope(false, "<t:GetChatPresence/>", ticket,
            $"<a:Action xmlns:a=\"{Wsa10}\">{Tns}/Chat/DeleteEverything</a:Action><a:MessageID xmlns:a=\"{Wsa10}\">{MessageId}</a:MessageID>");
        var reply = await SendAsync(client, Request(false, ChatPath, "GetChatPresence", envelope));

        Assert.Equal(200, reply.Status);
        Assert.NotNull(reply.Body.Element(T + "GetChatPresenceResponse"));
        Assert.DoesNotContain(reply.Xml.Root!.Elements().First().Elements(), e => e.Name.NamespaceName == Wsa10);
    }

    // ---- 2. Fault codes, namespaces, reasons ----

    [Fact]
    public async Task Soap11_ActionNotSupported_is_faultcode_ActionNotSupported_in_the_addressing_none_namespace()
    {
        var reply = await SendAsync(client, Request(false, ChatPath, "DeleteEverything", Envelope(false, "<t:GetChatPresence/>")));

        AssertFault11(reply, XName.Get("ActionNotSupported", AddressingNone), $"The message with Action '{Tns}/Chat/DeleteEverything' {ContractFilterText}");
    }

    [Fact]
    public async Task Soap12_without_addressing_ActionNotSupported_is_a_Sender_subcode_in_the_addressing_none_namespace()
    {
        var reply = await SendAsync(client, Request(true, ChatPath, "DeleteEverything", Envelope(true, "<t:GetChatPresence/>")));

        AssertActionNotSupported12(reply, AddressingNone);
        Assert.Empty(reply.Xml.Root!.Elements(XName.Get("Header", Env12)).Elements());
    }

    [Fact]
    public async Task Soap12_MustUnderstand_names_the_header_and_adds_NotUnderstood()
    {
        var reply = await SendAsync(client, Request(true, ChatPath, "GetChatPresence",
            Envelope(true, "<t:GetChatPresence/>", null, "<x:Security xmlns:x=\"urn:unknown\" s:mustUnderstand=\"true\"/>")));

        Assert.Equal(500, reply.Status);
        var (code, subcode, reason, _) = Fault12(reply);
        Assert.Equal(XName.Get("MustUnderstand", Env12), code);
        Assert.Null(subcode);
        Assert.StartsWith("The header 'Security' from the namespace 'urn:unknown' was not understood", reason);
        var notUnderstood = reply.Xml.Root!.Element(XName.Get("Header", Env12))!.Element(XName.Get("NotUnderstood", Env12))!;
        var qname = (string)notUnderstood.Attribute("qname")!;
        Assert.Equal(XName.Get("Security", "urn:unknown"), notUnderstood.GetNamespaceOfPrefix(qname[..qname.IndexOf(':')])! + qname[(qname.IndexOf(':') + 1)..]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DeserializationFailed_is_the_dispatcher_subcode_with_the_formatter_wording(bool soap12)
    {
        var reply = await CallAsync(client, soap12, "SaveChatPresence",
            "<t:SaveChatPresence><t:ChatPresence><t:ChatPresence><t:UserId>two</t:UserId></t:ChatPresence></t:ChatPresence></t:SaveChatPresence>", "7T:unknown");

        Assert.Equal(500, reply.Status);
        const string Expected = "The formatter threw an exception while trying to deserialize the message: Error in deserializing body of request message for operation 'SaveChatPresence'.";
        if (soap12)
        {
            var (code, subcode, reason, _) = Fault12(reply);
            Assert.Equal(XName.Get("Sender", Env12), code);
            Assert.Equal(XName.Get("DeserializationFailed", Dispatcher), subcode);
            Assert.Equal(Expected, reason);
        }
        else
        {
            var (code, reason, _) = Fault11(reply);
            Assert.Equal(XName.Get("DeserializationFailed", Dispatcher), code);
            Assert.Equal(Expected, reason);
        }
    }

    // ---- 3. Nil and empty headers ----

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_nil_TimeZone_is_echoed_as_nil(bool soap12)
    {
        var ticket = await LoginAsync(client, "agent2", "agent2");
        var envelope = Envelope(soap12, "<t:GetChatPresence/>", ticket, $"<t:TimeZone i:nil=\"true\" xmlns:i=\"{Xsi}\"/>");
        var reply = await SendAsync(client, Request(soap12, ChatPath, "GetChatPresence", envelope));

        Assert.Equal(200, reply.Status);
        var timeZone = reply.Header("TimeZone")!;
        Assert.Equal("true", (string?)timeZone.Attribute(XName.Get("nil", Xsi)));
        Assert.Empty(timeZone.Elements());
    }

    [Fact]
    public async Task An_empty_TimeZone_is_read_as_DataContractSerializer_reads_it_id_0_and_no_location()
    {
        var ticket = await LoginAsync(client, "agent2", "agent2");
        var reply = await SendAsync(client, Request(false, ChatPath, "IsWithinOpeningHours",
            Envelope(false, "<t:IsWithinOpeningHours><t:ChatTopicId>1</t:ChatTopicId></t:IsWithinOpeningHours>", ticket, "<t:TimeZone/>")));

        var timeZone = reply.Header("TimeZone")!;
        Assert.Null(timeZone.Attribute(XName.Get("nil", Xsi)));
        Assert.Equal("0", timeZone.Element(T + "SoTimeZoneId")!.Value);
        Assert.Equal("true", (string?)timeZone.Element(T + "SoTimeZoneLocationCode")!.Attribute(XName.Get("nil", Xsi)));
    }

    [Theory]
    [InlineData("<t:SoTimeZoneId>abc</t:SoTimeZoneId>")]
    [InlineData("<t:SoTimeZoneId/>")]
    [InlineData("<t:SoTimeZoneId i:nil=\"true\" xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\"/>")]
    public async Task A_TimeZone_the_DataContractSerializer_cannot_read_is_WCFs_internal_service_fault(string id)
    {
        // SoTimeZoneId is an int: DCS reads neither text, nothing nor nil into it, and a header it cannot read fails
        // the request outside the formatter's parameter-level catch (OperationFormatter.DeserializeRequest).
        var ticket = await LoginAsync(client, "agent2", "agent2");
        var reply = await SendAsync(client, Request(true, ChatPath, "GetChatPresence", Envelope(true, "<t:GetChatPresence/>", ticket, $"<t:TimeZone>{id}</t:TimeZone>")));

        Assert.Equal(500, reply.Status);
        var (code, subcode, _, _) = Fault12(reply);
        Assert.Equal(XName.Get("Receiver", Env12), code);
        Assert.Equal(XName.Get("InternalServiceFault", Dispatcher), subcode);
    }

    [Theory]
    [InlineData("<t:Credentials i:nil=\"true\" xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\"/>")]
    [InlineData("<t:Credentials/>")]
    [InlineData("<t:Credentials><t:Ticket i:nil=\"true\" xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\"/></t:Credentials>")]
    public async Task Nil_or_empty_Credentials_are_no_credentials(string credentials)
    {
        var reply = await SendAsync(client, Request(false, ChatPath, "GetChatPresence", Envelope(false, "<t:GetChatPresence/>", null, credentials)));
        Assert.Equal(200, reply.Status);
        Assert.Equal("false", reply.Header("Succeeded")!.Value);
        Assert.Equal("NotAuthenticated", reply.Header("ExceptionInfo")!.Element(T + "ExceptionType")!.Value);
    }

    [Theory]
    [InlineData("<t:ApplicationToken i:nil=\"true\" xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\"/>", false)]
    [InlineData("<t:ApplicationToken/>", false)]
    [InlineData("<t:ApplicationToken>app-token-1</t:ApplicationToken>", true)]
    public async Task In_Online_mode_a_nil_or_empty_ApplicationToken_is_no_registered_token(string header, bool accepted)
    {
        await using var server = await SoapTestDirectory.StartHostAsync(s =>
        {
            s["ChatPresence:Mode"] = "Online";
            s["ChatPresence:Security:ApplicationTokens:0"] = "app-token-1";
        });
        using var http = server.CreateClient();
        var login = await SendAsync(http, Request(false, PrincipalPath, "AuthenticateUsernamePassword", Envelope(false,
            "<t:AuthenticateUsernamePassword><t:UserName>agent2</t:UserName><t:Password>agent2</t:Password></t:AuthenticateUsernamePassword>",
            extraHeaders: "<t:ApplicationToken>app-token-1</t:ApplicationToken>")));
        var ticket = login.Xml.Descendants(T + "Ticket").Single().Value;

        var reply = await SendAsync(http, Request(false, ChatPath, "GetChatPresence", Envelope(false, "<t:GetChatPresence/>", ticket, header)));

        Assert.Equal(200, reply.Status);
        Assert.Equal(accepted ? "true" : "false", reply.Header("Succeeded")!.Value);
        if (!accepted)
        {
            Assert.Equal("ApplicationTokenRequired", reply.Header("ExceptionInfo")!.Element(T + "ExceptionType")!.Value);
        }
    }

    // ---- 4. Help page and metadata ----

    [Theory]
    [InlineData("Remote/Services86/Chat.svc", "WcfChatService", "ChatClient")]
    [InlineData("Cust1/remote/services86/SoPrincipal.svc", "WcfSoPrincipalService", "SoPrincipalClient")]
    public async Task GET_without_a_query_is_the_WCF_service_help_page(string path, string service, string clientName)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        var address = new Uri(fixture.Host.BaseAddress, path).ToString();
        Assert.Contains($"<TITLE>{service} Service</TITLE>", html, StringComparison.Ordinal);
        Assert.Contains("You have created a service.", html, StringComparison.Ordinal);
        Assert.Contains($"svcutil.exe <A HREF=\"{address}?wsdl\">{address}?wsdl</A>", html, StringComparison.Ordinal);
        Assert.Contains($"<A HREF=\"{address}?singleWsdl\">{address}?singleWsdl</A>", html, StringComparison.Ordinal);
        Assert.Contains(clientName, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Xsd_queries_answer_each_schema_of_the_WSDL_standalone_and_unknown_ones_the_help_page()
    {
        XNamespace xs = "http://www.w3.org/2001/XMLSchema";
        var targets = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync($"{ChatPath}?xsd=xsd{i}");
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal("text/xml", response.Content.Headers.ContentType!.MediaType);
            var schema = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
            Assert.Equal(xs + "schema", schema.Name);
            targets.Add((string)schema.Attribute("targetNamespace")!);
            foreach (var import in schema.Elements(xs + "import"))
            {
                Assert.Contains("?xsd=xsd", (string)import.Attribute("schemaLocation")!, StringComparison.Ordinal);
            }
        }

        Assert.Equal([Tns, "http://schemas.microsoft.com/2003/10/Serialization/", Arrays], targets);
        using var unknown = await client.GetAsync($"{ChatPath}?xsd=xsd9");
        Assert.Equal("text/html", unknown.Content.Headers.ContentType!.MediaType);
    }
}

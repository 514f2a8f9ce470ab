using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using ChatPresence.Soap.Tests.Infrastructure;
using static ChatPresence.Tests.SoapMessages;

namespace ChatPresence.Soap.Tests;

/// <summary>One invalid input of the shared catalogue, with the status, fault code and subcode it must get.</summary>
public sealed record BadRequest(string Name, bool Soap12, Func<HttpRequestMessage> Create, int Status, string Code, string? Subcode)
{
    public override string ToString() => Name + (Soap12 ? " (SOAP 1.2)" : " (SOAP 1.1)");
}

/// <summary>
/// The catalogue of bad requests (Kestrel style: one shared list), each answered by a fault in the request's SOAP
/// version with its status, code and subcode; after all of them the host still serves a valid request.
/// </summary>
public sealed class BadRequestCatalogueTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private const string Ticket = "7T:anything";

    public static readonly IReadOnlyList<BadRequest> Catalogue = Build();

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var entry in Catalogue)
        {
            data.Add(entry.ToString());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Bad_request_gets_its_fault(string name)
    {
        var entry = Catalogue.Single(e => e.ToString() == name);
        using var client = fixture.Host.CreateClient();
        await AssertFaultAsync(client, entry);
    }

    [Fact]
    public async Task After_the_whole_catalogue_the_host_still_answers_a_valid_request()
    {
        using var client = fixture.Host.CreateClient();
        foreach (var entry in Catalogue)
        {
            await AssertFaultAsync(client, entry);
        }

        var ticket = await LoginAsync(client, "agent2", "agent2");
        var rows = await GetPresenceAsync(client, ticket);
        Assert.NotEmpty(rows);
    }

    private static async Task AssertFaultAsync(HttpClient client, BadRequest entry)
    {
        var reply = await SendAsync(client, entry.Create());
        Assert.True(entry.Status == reply.Status, $"{entry}: status {reply.Status}, expected {entry.Status}. {reply.Text}");
        Assert.Equal(entry.Soap12 ? "application/soap+xml" : "text/xml", reply.MediaType);
        var env = entry.Soap12 ? Env12 : Env11;
        Assert.Equal(XName.Get("Envelope", env), reply.Xml.Root!.Name);
        var fault = reply.Fault!;
        Assert.NotNull(fault);
        if (entry.Soap12)
        {
            var code = fault.Element(XName.Get("Code", env))!;
            Assert.Equal("s:" + entry.Code, code.Element(XName.Get("Value", env))!.Value);
            var subcode = code.Element(XName.Get("Subcode", env))?.Element(XName.Get("Value", env))?.Value;
            Assert.Equal(entry.Subcode is null ? null : "a:" + entry.Subcode, subcode);
            Assert.False(string.IsNullOrWhiteSpace(fault.Element(XName.Get("Reason", env))!.Value));
        }
        else
        {
            // As WCF writes SOAP 1.1 (MessageFault.WriteTo11): the subcode, when there is one, is the faultcode.
            var code11 = entry.Code switch { "Sender" => "Client", "Receiver" => "Server", _ => entry.Code };
            Assert.Equal(entry.Subcode is null ? "s:" + code11 : "a:" + entry.Subcode, fault.Element("faultcode")!.Value);
            Assert.False(string.IsNullOrWhiteSpace(fault.Element("faultstring")!.Value));
        }

        Assert.DoesNotMatch(@"\bat [\w.`<>]+\(", reply.Text); // no stack frame ("at Type.Method(")
        // WCF's internal-fault wording names its IncludeExceptionDetailInFaults switch; nothing else may say Exception.
        Assert.DoesNotContain("Exception", reply.Text.Replace("IncludeExceptionDetailInFaults", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    private static HttpRequestMessage Post(bool soap12, string body, string? contentType = null, string? action = "GetChatPresence", bool sendSoapAction = true)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, ChatPath) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        if (contentType is not null)
        {
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        else if (soap12)
        {
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(action is null
                ? "application/soap+xml; charset=utf-8"
                : $"application/soap+xml; charset=utf-8; action=\"{(action.StartsWith("http", StringComparison.Ordinal) ? action : Action(action))}\"");
        }
        else
        {
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/xml; charset=utf-8");
            if (action is not null && sendSoapAction)
            {
                message.Headers.TryAddWithoutValidation("SOAPAction", $"\"{(action.StartsWith("http", StringComparison.Ordinal) ? action : Action(action))}\"");
            }
        }

        return message;
    }

    private static IReadOnlyList<BadRequest> Build()
    {
        const string Get = "<t:GetChatPresence/>";
        var list = new List<BadRequest>();
        foreach (var v12 in new[] { false, true })
        {
            var env = v12 ? Env12 : Env11;
            var otherEnv = v12 ? Env11 : Env12;
            void Add(string name, Func<HttpRequestMessage> create, int status, string code, string? subcode) =>
                list.Add(new BadRequest(name, v12, create, status, code, subcode));

            Add("not XML", () => Post(v12, "this is not xml <"), 500, "Sender", "InvalidMessage");
            Add("truncated XML", () => Post(v12, Envelope(v12, Get, Ticket)[..60]), 500, "Sender", "InvalidMessage");
            Add("DTD billion laughs", () => Post(v12,
                "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">" +
                "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>" +
                $"<s:Envelope xmlns:s=\"{env}\" xmlns:t=\"{Tns}\"><s:Body><t:GetChatPresence>&lol3;</t:GetChatPresence></s:Body></s:Envelope>"), 500, "Sender", "InvalidMessage");
            Add("external entity", () => Post(v12,
                "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>" +
                $"<s:Envelope xmlns:s=\"{env}\" xmlns:t=\"{Tns}\"><s:Body><t:GetChatPresence>&xxe;</t:GetChatPresence></s:Body></s:Envelope>"), 500, "Sender", "InvalidMessage");
            Add("wrong envelope namespace", () => Post(v12, Envelope(!v12, Get, Ticket)), 500, "VersionMismatch", null);
            Add("unknown envelope namespace", () => Post(v12, $"<s:Envelope xmlns:s=\"urn:not-soap\"><s:Body>{Get}</s:Body></s:Envelope>".Replace("<t:", $"<t:", StringComparison.Ordinal).Replace(Get, $"<t:GetChatPresence xmlns:t=\"{Tns}\"/>", StringComparison.Ordinal)), 500, "VersionMismatch", null);
            Add("not an envelope", () => Post(v12, $"<t:GetChatPresence xmlns:t=\"{Tns}\"/>"), 500, "Sender", "InvalidMessage");
            Add("unknown HTTP action", () => Post(v12, Envelope(v12, Get, Ticket), action: Tns + "/Chat/DeleteEverything"), 500, "Sender", "ActionNotSupported");
            Add("unknown body element", () => Post(v12, Envelope(v12, "<t:DeleteEverything/>", Ticket), action: null), 500, "Sender", "ActionNotSupported");
            Add("SoPrincipal action on Chat.svc", () => Post(v12, Envelope(v12, Get, Ticket), action: "AuthenticateUsernamePassword"), 500, "Sender", "ActionNotSupported");
            // WCF dispatches on the action; its formatter then meets another body element: the internal service fault.
            Add("HTTP action differs from body", () => Post(v12, Envelope(v12, "<t:IsWithinOpeningHours><t:ChatTopicId>1</t:ChatTopicId></t:IsWithinOpeningHours>", Ticket), action: "GetChatPresence"), 500, "Receiver", "InternalServiceFault");
            Add("unknown mustUnderstand header", () => Post(v12, Envelope(v12, Get, Ticket, $"<x:Security xmlns:x=\"urn:unknown\" s:mustUnderstand=\"{(v12 ? "true" : "1")}\"/>")), 500, "MustUnderstand", null);
            Add("empty HTTP body", () => Post(v12, string.Empty), 500, "Sender", "EmptyBody");
            Add("empty SOAP Body", () => Post(v12, Envelope(v12, string.Empty, Ticket), action: null), 500, "Sender", "EmptyBody");
            Add("no SOAP Body", () => Post(v12, $"<s:Envelope xmlns:s=\"{env}\"><s:Header/></s:Envelope>", action: null), 500, "Sender", "EmptyBody");
            Add("body over the limit", () => Post(v12, Envelope(v12, Get, Ticket, "<t:Padding>" + new string('x', (1024 * 1024) + 10) + "</t:Padding>")), 413, "Sender", "QuotaExceeded");
            Add("nesting deeper than the quota", () => Post(v12, Envelope(v12, "<t:GetChatPresence>" + string.Concat(Enumerable.Repeat("<t:a>", 100)) + string.Concat(Enumerable.Repeat("</t:a>", 100)) + "</t:GetChatPresence>", Ticket)), 500, "Sender", "QuotaExceeded");
            Add("name longer than the quota", () => Post(v12, Envelope(v12, $"<t:GetChatPresence><t:{new string('n', 300)}/></t:GetChatPresence>", Ticket)), 500, "Sender", "QuotaExceeded");
            Add("string longer than the quota", () => Post(v12, Envelope(v12, Get, "7T:" + new string('t', 70 * 1024))), 500, "Sender", "QuotaExceeded");
            Add("non-integer UserId", () => Post(v12, Envelope(v12, "<t:SaveChatPresence><t:ChatPresence><t:ChatPresence><t:UserId>two</t:UserId><t:Present>true</t:Present></t:ChatPresence></t:ChatPresence></t:SaveChatPresence>", Ticket), action: "SaveChatPresence"), 500, "Sender", "DeserializationFailed");
            Add("non-boolean Present", () => Post(v12, Envelope(v12, "<t:SaveChatPresence><t:ChatPresence><t:ChatPresence><t:UserId>2</t:UserId><t:Present>yes</t:Present></t:ChatPresence></t:ChatPresence></t:SaveChatPresence>", Ticket), action: "SaveChatPresence"), 500, "Sender", "DeserializationFailed");
            Add("non-integer ChatTopicId", () => Post(v12, Envelope(v12, "<t:IsWithinOpeningHours><t:ChatTopicId>1.5</t:ChatTopicId></t:IsWithinOpeningHours>", Ticket), action: "IsWithinOpeningHours"), 500, "Sender", "DeserializationFailed");

            // Issue 10: envelope structure and charset, as WCF: anything but one Envelope with at most one Header and
            // exactly one Body is a fault; so is a declared charset the bytes do not match; an unknown charset is 415.
            var valid = Envelope(v12, Get, Ticket);
            Add("a second Body", () => Post(v12, valid.Replace("</s:Body>", "</s:Body><s:Body>" + Get + "</s:Body>", StringComparison.Ordinal)), 500, "Sender", "InvalidMessage");
            Add("a second Header", () => Post(v12, valid.Replace("<s:Body>", "<s:Header/><s:Body>", StringComparison.Ordinal)), 500, "Sender", "InvalidMessage");
            Add("a Header after the Body", () => Post(v12, valid.Replace("</s:Envelope>", "<s:Header/></s:Envelope>", StringComparison.Ordinal)), 500, "Sender", "InvalidMessage");
            Add("a second Envelope after the root", () => Post(v12, valid + valid), 500, "Sender", "InvalidMessage");
            Add("text after the root", () => Post(v12, valid + "junk"), 500, "Sender", "InvalidMessage");
            Add("an element after the root", () => Post(v12, valid + "<x/>"), 500, "Sender", "InvalidMessage");
            Add("charset utf-16 declared, UTF-8 bytes", () => Post(v12, valid, contentType: v12
                ? $"application/soap+xml; charset=utf-16; action=\"{Action("GetChatPresence")}\""
                : "text/xml; charset=utf-16"), 500, "Sender", "InvalidMessage");
            Add("UTF-8 BOM, charset utf-16 declared", () => Post(v12, "\uFEFF" + valid, contentType: v12
                ? $"application/soap+xml; charset=utf-16; action=\"{Action("GetChatPresence")}\""
                : "text/xml; charset=utf-16"), 500, "Sender", "InvalidMessage");
            Add("an unsupported charset", () => Post(v12, valid, contentType: v12
                ? $"application/soap+xml; charset=x-klingon; action=\"{Action("GetChatPresence")}\""
                : "text/xml; charset=x-klingon"), 415, "Sender", "ContentTypeNotSupported");
            _ = otherEnv;
        }

        // 415s cannot tell a version: they are answered in SOAP 1.1.
        list.Add(new BadRequest("wrong Content-Type", false, () => Post(false, Envelope(false, Get, Ticket), contentType: "application/json"), 415, "Sender", "ContentTypeNotSupported"));
        list.Add(new BadRequest("no Content-Type", false, () => Post(false, Envelope(false, Get, Ticket), contentType: null, sendSoapAction: false) is var m && RemoveContentType(m) ? m : m, 415, "Sender", "ContentTypeNotSupported"));
        return list;
    }

    private static bool RemoveContentType(HttpRequestMessage message)
    {
        message.Content!.Headers.ContentType = null;
        return true;
    }
}

using System.Net.Http.Headers;
using System.Text;
using ChatPresence.Soap.Tests.Infrastructure;
using static ChatPresence.Tests.SoapMessages;

namespace ChatPresence.Soap.Tests;

public sealed class ChatSoapTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string SampleTicket = "7T:1234abcxyzExample==";
    private readonly HttpClient client = fixture.Host.CreateClient();

    private static string RequestFile(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Requests", name));

    private static HttpRequestMessage Raw(string path, string contentType, string body)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return message;
    }

    [Fact]
    public async Task Seed_sample_004_GetChatPresence_sent_verbatim_gets_every_chat_user()
    {
        var ticket = await LoginAsync(client, "agent2", "agent2");
        var body = RequestFile("seed-004-GetChatPresence.xml");
        Assert.Contains(SampleTicket, body);

        var reply = await SendAsync(client, Raw(ChatPath, "application/soap+xml; charset=utf-8", body.Replace(SampleTicket, ticket, StringComparison.Ordinal)));

        Assert.Equal(200, reply.Status);
        Assert.Equal("application/soap+xml", reply.MediaType);
        Assert.Equal(Env12, reply.Xml.Root!.Name.NamespaceName);
        Assert.Equal("true", reply.Header("Succeeded")!.Value);
        Assert.Equal("true", reply.Header("ExceptionInfo")!.Attribute(XName(Xsi, "nil"))!.Value);
        var rows = reply.Body.Element(T + "GetChatPresenceResponse")!.Element(T + "Response")!.Elements(T + "ChatPresence").ToArray();
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], rows.Select(r => int.Parse(r.Element(T + "UserId")!.Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(rows, r => Assert.Equal(
            ["TableRight", "FieldProperties", "UserId", "DisplayName", "OngoingChats", "Present", "ChatTopics"],
            r.Elements().Select(e => e.Name.LocalName)));
        var own = rows.Single(r => r.Element(T + "UserId")!.Value == "2");
        Assert.Equal("Select Update", own.Element(T + "TableRight")!.Element(T + "Mask")!.Value);
        Assert.Equal(["1", "2"], own.Element(T + "ChatTopics")!.Elements(System.Xml.Linq.XName.Get("int", Arrays)).Select(e => e.Value));
        Assert.Equal("1", own.Element(T + "OngoingChats")!.Value);
        var other = rows.Single(r => r.Element(T + "UserId")!.Value == "3");
        Assert.Equal("Select", other.Element(T + "TableRight")!.Element(T + "Mask")!.Value);
        Assert.Empty(rows.Single(r => r.Element(T + "UserId")!.Value == "8").Element(T + "ChatTopics")!.Elements());
        Assert.Equal("Agent 8 & <no topic>", rows.Single(r => r.Element(T + "UserId")!.Value == "8").Element(T + "DisplayName")!.Value);
    }

    [Fact]
    public async Task Documentation_style_SaveChatPresence_with_the_same_user_twice_saves_the_last_entry()
    {
        var ticket = await LoginAsync(client, "agent3", "agent3");
        var body = RequestFile("doc-style-SaveChatPresence.xml").Replace(SampleTicket, ticket, StringComparison.Ordinal);

        var reply = await SendAsync(client, Raw(ChatPath, "application/soap+xml; charset=utf-8", body));

        Assert.Equal(200, reply.Status);
        Assert.Equal("true", reply.Header("Succeeded")!.Value);
        Assert.NotNull(reply.Body.Element(T + "SaveChatPresenceResponse"));
        var rows = await GetPresenceAsync(client, ticket);
        Assert.Equal("true", rows.Single(r => r.Element(T + "UserId")!.Value == "3").Element(T + "Present")!.Value);

        // And back (false last): proves the last entry wins, not "any true".
        var back = body.Replace(">true</Chat:Present>", ">PLACEHOLDER</Chat:Present>", StringComparison.Ordinal)
            .Replace(">false</Chat:Present>", ">true</Chat:Present>", StringComparison.Ordinal)
            .Replace(">PLACEHOLDER</Chat:Present>", ">false</Chat:Present>", StringComparison.Ordinal);
        Assert.Equal("true", (await SendAsync(client, Raw(ChatPath, "application/soap+xml", back))).Header("Succeeded")!.Value);
        rows = await GetPresenceAsync(client, ticket);
        Assert.Equal("false", rows.Single(r => r.Element(T + "UserId")!.Value == "3").Element(T + "Present")!.Value);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Save_is_visible_in_the_next_get_and_the_reply_cache_never_serves_stale_presence(bool soap12)
    {
        var ticket = await LoginAsync(client, "agent4", "agent4", soap12);
        for (var round = 0; round < 3; round++)
        {
            var before = await GetPresenceAsync(client, ticket, soap12);
            var present = before.Single(r => r.Element(T + "UserId")!.Value == "4").Element(T + "Present")!.Value == "true";
            var save = await CallAsync(client, soap12, "SaveChatPresence", SaveBody(4, !present), ticket);
            Assert.Equal("true", save.Header("Succeeded")!.Value);
            var after = await GetPresenceAsync(client, ticket, soap12);
            Assert.Equal(!present ? "true" : "false", after.Single(r => r.Element(T + "UserId")!.Value == "4").Element(T + "Present")!.Value);
        }
    }

    [Fact]
    public async Task Reply_cache_never_gives_one_callers_rights_to_another()
    {
        var agent = await LoginAsync(client, "agent5", "agent5");
        var admin = await LoginAsync(client, "admin", "admin");
        for (var i = 0; i < 2; i++)
        {
            // Interleaved and repeated, so the second round is served from the cache.
            var agentRows = await GetPresenceAsync(client, agent);
            var adminRows = await GetPresenceAsync(client, admin);
            Assert.Equal("Select", agentRows.Single(r => r.Element(T + "UserId")!.Value == "3").Element(T + "TableRight")!.Element(T + "Mask")!.Value);
            Assert.Equal("Select Update", agentRows.Single(r => r.Element(T + "UserId")!.Value == "5").Element(T + "TableRight")!.Element(T + "Mask")!.Value);
            Assert.All(adminRows, r => Assert.Equal("Select Update", r.Element(T + "TableRight")!.Element(T + "Mask")!.Value));
        }

        Assert.True(fixture.Host.Services.GetService(typeof(ChatSoapEndpoint)) is ChatSoapEndpoint { CachedReplies: > 0 });
    }

    [Theory]
    [InlineData(false, 1, "true")]
    [InlineData(true, 1, "true")]
    [InlineData(false, 2, "false")]
    [InlineData(true, 2, "false")]
    public async Task IsWithinOpeningHours_answers_per_topic(bool soap12, int topic, string expected)
    {
        var ticket = await LoginAsync(client, "agent6", "agent6", soap12);
        var reply = await CallAsync(client, soap12, "IsWithinOpeningHours", $"<t:IsWithinOpeningHours><t:ChatTopicId>{topic}</t:ChatTopicId></t:IsWithinOpeningHours>", ticket);
        Assert.Equal(200, reply.Status);
        Assert.Equal("true", reply.Header("Succeeded")!.Value);
        Assert.Equal(expected, reply.Body.Element(T + "IsWithinOpeningHoursResponse")!.Element(T + "Response")!.Value);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_bad_ticket_is_Succeeded_false_with_ExceptionInfo_and_no_stack_trace(bool soap12)
    {
        var reply = await CallAsync(client, soap12, "GetChatPresence", "<t:GetChatPresence/>", "7T:not-a-ticket");
        Assert.Equal(200, reply.Status);
        Assert.Equal("false", reply.Header("Succeeded")!.Value);
        var info = reply.Header("ExceptionInfo")!;
        Assert.Equal("No valid credentials were given: the ticket is missing or unknown.", info.Element(T + "Message")!.Value);
        Assert.Equal("NotAuthenticated", info.Element(T + "ExceptionType")!.Value);
        Assert.Equal("true", info.Element(T + "StackTrace")!.Attribute(XName(Xsi, "nil"))!.Value);
        Assert.DoesNotContain("   at ", reply.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("ChatPresence.", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failure_texts_follow_Accept_Language()
    {
        var request = Request(false, ChatPath, "GetChatPresence", Envelope(false, "<t:GetChatPresence/>", "7T:unknown"));
        request.Headers.AcceptLanguage.ParseAdd("de-DE, en;q=0.5");
        var reply = await SendAsync(client, request);
        Assert.Equal("Keine gültigen Anmeldedaten: Das Ticket fehlt oder ist unbekannt.", reply.Header("ExceptionInfo")!.Element(T + "Message")!.Value);
    }

    [Fact]
    public async Task Saving_someone_else_as_an_agent_is_Forbidden_and_changes_nothing()
    {
        var ticket = await LoginAsync(client, "agent6", "agent6");
        var reply = await CallAsync(client, false, "SaveChatPresence",
            "<t:SaveChatPresence><t:ChatPresence><t:ChatPresence><t:UserId>2</t:UserId><t:Present>true</t:Present></t:ChatPresence></t:ChatPresence></t:SaveChatPresence>", ticket);
        Assert.Equal("false", reply.Header("Succeeded")!.Value);
        Assert.Equal("Forbidden", reply.Header("ExceptionInfo")!.Element(T + "ExceptionType")!.Value);
    }

    [Fact]
    public async Task TimeZone_header_is_echoed_and_response_headers_come_in_schema_order()
    {
        var ticket = await LoginAsync(client, "agent2", "agent2");
        var envelope = Envelope(false, "<t:GetChatPresence/>", ticket,
            "<t:TimeZone><t:SoTimeZoneLocationCode>NO</t:SoTimeZoneLocationCode><t:SoTimeZoneId>42</t:SoTimeZoneId></t:TimeZone>");
        var reply = await SendAsync(client, Request(false, ChatPath, "GetChatPresence", envelope));
        var header = reply.Xml.Root!.Elements().First();
        Assert.Equal(["ExceptionInfo", "ExtraInfo", "Succeeded", "TimeZone"], header.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("42", reply.Header("TimeZone")!.Element(T + "SoTimeZoneId")!.Value);
        Assert.Equal("NO", reply.Header("TimeZone")!.Element(T + "SoTimeZoneLocationCode")!.Value);

        var without = await CallAsync(client, false, "GetChatPresence", "<t:GetChatPresence/>", ticket);
        Assert.Equal("true", without.Header("TimeZone")!.Attribute(XName(Xsi, "nil"))!.Value);
    }

    [Theory]
    [InlineData("/Cust12345/Remote/Services86/Chat.svc")]
    [InlineData("/remote/services86/chat.svc")]
    [InlineData("/CUST1/REMOTE/SERVICES86/CHAT.SVC")]
    public async Task Tenant_prefix_and_any_case_reach_the_service(string path)
    {
        var ticket = await LoginAsync(client, "agent2", "agent2");
        var reply = await SendAsync(client, Request(true, path, "GetChatPresence", Envelope(true, "<t:GetChatPresence/>", ticket)));
        Assert.Equal(200, reply.Status);
        Assert.Equal("true", reply.Header("Succeeded")!.Value);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SoPrincipal_issues_a_ticket_with_the_principal(bool soap12)
    {
        var reply = await CallAsync(client, soap12, "AuthenticateUsernamePassword",
            "<t:AuthenticateUsernamePassword><t:UserName>manager7</t:UserName><t:Password>manager7</t:Password></t:AuthenticateUsernamePassword>");
        Assert.Equal("true", reply.Header("Succeeded")!.Value);
        var response = reply.Body.Element(T + "AuthenticateUsernamePasswordResponse")!.Element(T + "Response")!;
        Assert.Equal(["Response", "Credentials", "AuthenticationSucceeded"], response.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("true", response.Element(T + "AuthenticationSucceeded")!.Value);
        var principal = response.Element(T + "Response")!;
        Assert.Equal(["AssociateId", "Associate", "FullName", "UserType", "RoleName"], principal.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("7", principal.Element(T + "AssociateId")!.Value);
        Assert.Equal("manager7", principal.Element(T + "Associate")!.Value);
        Assert.Equal("Manager", principal.Element(T + "RoleName")!.Value);
        Assert.StartsWith("7T:", response.Element(T + "Credentials")!.Element(T + "Ticket")!.Value);
    }

    [Fact]
    public async Task SoPrincipal_wrong_password_is_AuthenticationSucceeded_false()
    {
        var reply = await CallAsync(client, false, "AuthenticateUsernamePassword",
            "<t:AuthenticateUsernamePassword><t:UserName>admin</t:UserName><t:Password>wrong</t:Password></t:AuthenticateUsernamePassword>");
        Assert.Equal(200, reply.Status);
        var response = reply.Body.Element(T + "AuthenticateUsernamePasswordResponse")!.Element(T + "Response")!;
        Assert.Equal("false", response.Element(T + "AuthenticationSucceeded")!.Value);
        Assert.Empty(reply.Xml.Descendants(T + "Ticket"));
    }

    private static System.Xml.Linq.XName XName(string ns, string local) => System.Xml.Linq.XName.Get(local, ns);
}

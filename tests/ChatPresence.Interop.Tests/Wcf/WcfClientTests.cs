using System.Globalization;
using System.Net.Http.Headers;
using System.ServiceModel;
using System.Text.Json;
using ChatPresence.Tests;

namespace ChatPresence.Interop.Tests.Wcf;

/// <summary>
/// The .NET WCF client (System.ServiceModel.Http / .Primitives) with the svcutil-style contract of
/// Services86Contract.cs, through <see cref="System.ServiceModel.ChannelFactory{TChannel}"/> over every
/// binding of <see cref="WcfBindings"/> against the real host: one row per binding × scenario.
/// </summary>
public sealed class WcfClientTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private const string NotAuthenticatedMessage = "No valid credentials were given: the ticket is missing or unknown.";

    private static readonly string[] Scenarios =
    [
        "login", "login-wrong-password", "get", "save-own", "save-other", "isopen", "badticket",
        "timezone-nil", "timezone-set", "unknown-action",
    ];

    private ChatPresenceHost Host => fixture.Host;

    public static TheoryData<string, string> Rows()
    {
        var data = new TheoryData<string, string>();
        foreach (var binding in WcfBindings.All)
        {
            foreach (var scenario in Scenarios)
            {
                data.Add(binding, scenario);
            }
        }

        // Only an addressed request has an a:Action that can disagree with the HTTP action, or a reply to correlate.
        data.Add(WcfBindings.Soap12Addressing, "action-mismatch");
        data.Add(WcfBindings.Soap12Addressing, "reply-addressing");
        data.Add(WcfBindings.Soap12Addressing2004, "reply-addressing");
        return data;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Wcf_client_calls_the_service(string binding, string scenario)
    {
        switch (scenario)
        {
            case "login":
            {
                var reply = await WcfCalls.LoginAsync(Host, binding, "agent2", "agent2");
                Assert.True(reply.Succeeded);
                Assert.Null(reply.ExceptionInfo);
                Assert.True(reply.Response!.AuthenticationSucceeded);
                Assert.StartsWith("7T:", reply.Response.Credentials!.Ticket, StringComparison.Ordinal);
                Assert.Equal(2, reply.Response.Response!.AssociateId);
                Assert.Equal("agent2", reply.Response.Response.Associate);
                Assert.Equal("Bjørn Agent", reply.Response.Response.FullName);
                Assert.Equal(UserType.InternalAssociate, reply.Response.Response.UserType);
                break;
            }

            case "login-wrong-password":
            {
                var reply = await WcfCalls.LoginAsync(Host, binding, "agent2", "not-the-password");
                Assert.False(reply.Response!.AuthenticationSucceeded);
                Assert.Null(reply.Response.Response);
                Assert.Null(reply.Response.Credentials);
                break;
            }

            case "get":
                await GetMatchesRestAsync(binding);
                break;

            case "save-own":
                await SaveOwnAsync(binding);
                break;

            case "save-other":
                await SaveOtherRefusedAsync(binding);
                break;

            case "isopen":
            {
                var ticket = await WcfCalls.TicketAsync(Host, binding, "agent3");
                await using var chat = WcfCalls.Chat(Host, binding);
                var reply = await chat.Channel.IsWithinOpeningHoursAsync(new() { Credentials = new() { Ticket = ticket }, ChatTopicId = 1 });
                Assert.True(reply.Succeeded);
                Assert.Null(reply.ExceptionInfo);
                Assert.True(reply.Response); // Sales has no opening hours: always open.
                break;
            }

            case "badticket":
            {
                await using var chat = WcfCalls.Chat(Host, binding);
                var reply = await chat.Channel.GetChatPresenceAsync(new() { Credentials = new() { Ticket = "7T:not-a-ticket" } });
                Assert.False(reply.Succeeded);
                Assert.Null(reply.Response);
                Assert.Equal(NotAuthenticatedMessage, reply.ExceptionInfo!.Message);
                Assert.Equal("NotAuthenticated", reply.ExceptionInfo.ExceptionType);
                Assert.Null(reply.ExceptionInfo.StackTrace);
                break;
            }

            case "timezone-nil":
                await WcfCalls.AssertNilTimeZoneEchoedAsync(Host, binding);
                break;

            case "timezone-set":
            {
                var ticket = await WcfCalls.TicketAsync(Host, binding, "agent3");
                await using var chat = WcfCalls.Chat(Host, binding);
                // A whole TimeZone, and one whose location code is nil (the serializer writes i:nil for it).
                foreach (var (id, code) in new[] { (217, (string?)"NOOS"), (5, null) })
                {
                    var sent = new SoTimeZone { SoTimeZoneId = id, SoTimeZoneLocationCode = code };
                    var reply = await chat.Channel.IsWithinOpeningHoursAsync(new() { Credentials = new() { Ticket = ticket }, TimeZone = sent, ChatTopicId = 1 });
                    Assert.True(reply.Succeeded);
                    Assert.NotNull(reply.TimeZone);
                    Assert.Equal(id, reply.TimeZone.SoTimeZoneId);
                    Assert.Equal(code, reply.TimeZone.SoTimeZoneLocationCode);
                }

                break;
            }

            case "unknown-action":
                await WcfCalls.AssertUnknownActionRefusedAsync(Host, binding);
                break;

            case "action-mismatch":
                await WcfCalls.AssertActionMismatchRefusedAsync(Host, binding);
                break;

            case "reply-addressing":
                await WcfCalls.AssertReplyAddressedAsync(Host, binding);
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null);
        }
    }

    /// <summary>Every member of every row, rights included, equals what REST answers the same caller.</summary>
    private async Task GetMatchesRestAsync(string binding)
    {
        foreach (var user in new[] { "agent2", "manager7" })
        {
            var ticket = await WcfCalls.TicketAsync(Host, binding, user);
            await using var chat = WcfCalls.Chat(Host, binding);
            var reply = await chat.Channel.GetChatPresenceAsync(new() { Credentials = new() { Ticket = ticket } });
            Assert.True(reply.Succeeded);
            Assert.Null(reply.ExceptionInfo);
            var soapRows = reply.Response!;

            using var http = Host.CreateClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/Agents/Chat/GetChatPresence");
            request.Headers.Authorization = new AuthenticationHeaderValue("SoTicket", ticket);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"REST GetChatPresence: {(int)response.StatusCode}");
            using var rest = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var restRows = rest.RootElement.EnumerateArray().ToList();

            Assert.Equal([1, 2, 3, 4, 5, 6, 7], soapRows.Select(r => r.UserId));
            Assert.Equal(restRows.Count, soapRows.Length);
            for (var i = 0; i < soapRows.Length; i++)
            {
                AssertSameRow(restRows[i], soapRows[i], $"{user}, row {i}");
            }

            // The rights differ by caller: an agent may update only their own row, a manager every row.
            var own = soapRows.Single(r => r.UserId == (user == "agent2" ? 2 : 7));
            Assert.Equal(ETableRight.Select | ETableRight.Update, own.TableRight!.Mask);
            Assert.Equal(EFieldRight.Read | EFieldRight.Write, own.FieldProperties!["Present"].FieldRight!.Mask);
            var other = soapRows.Single(r => r.UserId == 4);
            Assert.Equal(user == "manager7" ? ETableRight.Select | ETableRight.Update : ETableRight.Select, other.TableRight!.Mask);
        }
    }

    private static void AssertSameRow(JsonElement rest, ChatPresence soap, string where)
    {
        Assert.True(rest.GetProperty("UserId").GetInt32() == soap.UserId, where + ": UserId");
        Assert.True(rest.GetProperty("DisplayName").GetString() == soap.DisplayName, where + ": DisplayName");
        Assert.True(rest.GetProperty("OngoingChats").GetInt32() == soap.OngoingChats, where + ": OngoingChats");
        Assert.True(rest.GetProperty("Present").GetBoolean() == soap.Present, where + ": Present");
        Assert.Equal(rest.GetProperty("ChatTopics").EnumerateArray().Select(t => t.GetInt32()), soap.ChatTopics!);

        var tableRight = rest.GetProperty("TableRight");
        Assert.NotNull(soap.TableRight);
        Assert.Equal(ParseMask<ETableRight>(tableRight.GetProperty("Mask").GetString()), soap.TableRight.Mask);
        Assert.Equal(tableRight.GetProperty("Reason").GetString(), soap.TableRight.Reason);

        var restFields = rest.GetProperty("FieldProperties").EnumerateObject().ToList();
        Assert.NotNull(soap.FieldProperties);
        Assert.Equal(restFields.Select(f => f.Name).Order(StringComparer.Ordinal), soap.FieldProperties.Keys.Order(StringComparer.Ordinal));
        Assert.NotEmpty(restFields);
        foreach (var field in restFields)
        {
            var soapField = soap.FieldProperties[field.Name];
            var right = field.Value.GetProperty("FieldRight");
            Assert.Equal(ParseMask<EFieldRight>(right.GetProperty("Mask").GetString()), soapField.FieldRight!.Mask);
            Assert.Equal(right.GetProperty("Reason").GetString(), soapField.FieldRight.Reason);
            Assert.Equal(field.Value.GetProperty("FieldType").GetString(), soapField.FieldType);
            Assert.Equal(field.Value.GetProperty("FieldLength").GetInt32(), soapField.FieldLength);
        }
    }

    /// <summary>REST masks are .NET flag names joined by ", " ("None" for 0).</summary>
    private static TEnum ParseMask<TEnum>(string? text)
        where TEnum : struct, Enum =>
        text is null or "" or "None" ? default : Enum.Parse<TEnum>(text, ignoreCase: false);

    /// <summary>An agent may save their own row: it is saved.</summary>
    private async Task SaveOwnAsync(string binding)
    {
        var (reply, before, after) = await FlipPresenceAsync(binding, "agent4", 4);
        Assert.True(reply.Succeeded, reply.ExceptionInfo?.Message);
        Assert.Null(reply.ExceptionInfo);
        Assert.Equal(!before, after);
    }

    /// <summary>An agent may not save another's row: Succeeded=false with ExceptionInfo (not a fault), and nothing is saved.</summary>
    private async Task SaveOtherRefusedAsync(string binding)
    {
        var (reply, before, after) = await FlipPresenceAsync(binding, "agent5", 3);
        Assert.False(reply.Succeeded);
        Assert.Equal("Forbidden", reply.ExceptionInfo!.ExceptionType);
        Assert.False(string.IsNullOrEmpty(reply.ExceptionInfo.Message));
        Assert.Equal(before, after);
    }

    /// <summary><paramref name="user"/> saves the opposite of <paramref name="userId"/>'s presence; the row before and after.</summary>
    private async Task<(SaveChatPresenceResponse Reply, bool Before, bool After)> FlipPresenceAsync(string binding, string user, int userId)
    {
        var ticket = await WcfCalls.TicketAsync(Host, binding, user);
        await using var chat = WcfCalls.Chat(Host, binding);
        var before = await PresentAsync(chat.Channel, ticket, userId);
        var reply = await chat.Channel.SaveChatPresenceAsync(new()
        {
            Credentials = new() { Ticket = ticket },
            ChatPresence = [new ChatPresence { UserId = userId, Present = !before }],
        });
        return (reply, before, await PresentAsync(chat.Channel, ticket, userId));
    }

    private static async Task<bool> PresentAsync(Chat chat, string ticket, int userId)
    {
        var reply = await chat.GetChatPresenceAsync(new() { Credentials = new() { Ticket = ticket } });
        Assert.True(reply.Succeeded);
        return reply.Response!.Single(r => r.UserId == userId).Present;
    }
}

/// <summary>Calls shared by the binding rows and the issue-11 regression tests.</summary>
internal static class WcfCalls
{
    public static WcfProxy<Chat> Chat(ChatPresenceHost host, string binding, Func<HttpRequestMessage, Task>? rewriteHttp = null) =>
        new(new Uri(host.BaseAddress, "Remote/Services86/Chat.svc"), binding, rewriteHttp);

    public static async Task<AuthenticateUsernamePasswordResponse> LoginAsync(ChatPresenceHost host, string binding, string user, string password)
    {
        await using var principal = new WcfProxy<SoPrincipal>(new Uri(host.BaseAddress, "Remote/Services86/SoPrincipal.svc"), binding);
        return await principal.Channel.AuthenticateUsernamePasswordAsync(new() { UserName = user, Password = password });
    }

    /// <summary>A ticket for a demo user (password = login), obtained over the same binding.</summary>
    public static async Task<string> TicketAsync(ChatPresenceHost host, string binding, string user)
    {
        var reply = await LoginAsync(host, binding, user, user);
        Assert.True(reply.Response?.AuthenticationSucceeded, $"login of {user} over {binding} failed");
        return reply.Response!.Credentials!.Ticket!;
    }

    /// <summary>Issue 11 (4): a proxy sends a nil TimeZone when the caller set none; the reply echoes it as nil.</summary>
    public static async Task AssertNilTimeZoneEchoedAsync(ChatPresenceHost host, string binding)
    {
        var ticket = await TicketAsync(host, binding, "agent3");
        await using var chat = Chat(host, binding);
        var reply = await chat.Channel.IsWithinOpeningHoursAsync(new() { Credentials = new() { Ticket = ticket }, TimeZone = null, ChatTopicId = 1 });
        Assert.True(reply.Succeeded);
        Assert.True(
            reply.TimeZone is null,
            $"a nil TimeZone came back as SoTimeZoneId={reply.TimeZone?.SoTimeZoneId}, SoTimeZoneLocationCode={reply.TimeZone?.SoTimeZoneLocationCode ?? "nil"}");
    }

    /// <summary>
    /// Issue 11 (1) and (3): an action the service does not have is refused with the fault WCF's client turns into
    /// ActionNotSupportedException — the fault code namespace must be that of the request's addressing version
    /// (…/addressing/none without addressing), and with WS-Addressing the a:Action header decides, not the body.
    /// </summary>
    public static async Task AssertUnknownActionRefusedAsync(ChatPresenceHost host, string binding)
    {
        var ticket = await TicketAsync(host, binding, "agent3");
        await using var probe = new WcfProxy<ChatProbe>(new Uri(host.BaseAddress, "Remote/Services86/Chat.svc"), binding);
        var thrown = await Record.ExceptionAsync(() => probe.Channel.GetChatPresenceHistoryAsync(new() { Credentials = new() { Ticket = ticket } }));
        Assert.True(
            thrown is ActionNotSupportedException,
            thrown is null ? "the unknown action was answered (200) instead of refused" : $"{thrown.GetType().FullName}: {Describe(thrown)}");
    }

    /// <summary>
    /// An a:Action that differs from the Content-Type action: WCF's HTTP input throws ActionMismatchAddressingException,
    /// whose fault (dotnet/wcf WSAddressing10ProblemHeaderQNameFault) is Sender / a:ActionMismatch in the WS-Addressing
    /// 1.0 namespace, sent with the addressing fault action. The WCF client's DefaultFaultConverter maps no exception to
    /// that subcode, so the caller gets a plain FaultException carrying those codes.
    /// </summary>
    public static async Task AssertActionMismatchRefusedAsync(ChatPresenceHost host, string binding)
    {
        const string Addressing10 = "http://www.w3.org/2005/08/addressing";
        var ticket = await TicketAsync(host, binding, "agent3");
        await using var chat = Chat(host, binding, HttpRewrites.ContentTypeAction(Services86.ChatAction + "IsWithinOpeningHours"));
        var thrown = await Record.ExceptionAsync(() => chat.Channel.GetChatPresenceAsync(new() { Credentials = new() { Ticket = ticket } }));
        var fault = Assert.IsType<FaultException>(thrown, exactMatch: true);
        Assert.True(fault.Code.IsSenderFault, Describe(fault));
        Assert.True(fault.Code.SubCode is { Name: "ActionMismatch", Namespace: Addressing10, SubCode: null }, Describe(fault));
        Assert.True(fault.Action == Addressing10 + "/fault", $"fault a:Action is {fault.Action ?? "missing"}");
    }

    /// <summary>Issue 11 (2): a reply to an addressed request carries a:Action (…Response) and a:RelatesTo = the request's MessageID.</summary>
    public static async Task AssertReplyAddressedAsync(ChatPresenceHost host, string binding)
    {
        var ticket = await TicketAsync(host, binding, "agent3");
        await using var chat = Chat(host, binding);
        var reply = await chat.Channel.GetChatPresenceAsync(new() { Credentials = new() { Ticket = ticket } });
        Assert.True(reply.Succeeded);
        Assert.NotNull(chat.Wire.RequestMessageId);
        Assert.True(
            chat.Wire.ReplyAction == Services86.ChatAction + "GetChatPresenceResponse",
            $"reply a:Action is {chat.Wire.ReplyAction ?? "missing"}");
        Assert.True(
            chat.Wire.RequestMessageId == chat.Wire.ReplyRelatesTo,
            $"reply a:RelatesTo is {chat.Wire.ReplyRelatesTo?.ToString() ?? "missing"}, the request's MessageID {chat.Wire.RequestMessageId}");
    }

    private static string Describe(Exception e) => e is FaultException fault
        ? string.Create(CultureInfo.InvariantCulture, $"fault code {Codes(fault.Code)}: {fault.Message}")
        : e.Message;

    private static string Codes(FaultCode? code) =>
        code is null ? "" : $"{{{code.Namespace}}}{code.Name}" + (code.SubCode is null ? "" : " / " + Codes(code.SubCode));
}

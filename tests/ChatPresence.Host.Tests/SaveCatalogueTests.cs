using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using ChatPresence.Host.Tests.Security;

namespace ChatPresence.Host.Tests;

/// <summary>
/// Issue 12: one catalogue of SaveChatPresence inputs, each sent as it is through SOAP 1.1, SOAP 1.2 and REST to one
/// real host (Kestrel on loopback, a real SQLite file), must get the same decision on every facade — accepted or
/// refused with the same reason — and leave the same presence stored. The rules come from one place
/// (the Contract's save-entry translation and Domain's PresenceSave); this pins the facades to it.
/// </summary>
public sealed class SaveCatalogueTests(SecurityHostFixture fixture) : IClassFixture<SecurityHostFixture>
{
    private const string Accepted = "Accepted";
    private static readonly XNamespace T = SoapMessages.Tns;
    private static readonly XNamespace I = SoapMessages.Xsi;

    /// <summary>
    /// One ChatPresence entry as a client may send it: a member left null is left out; <paramref name="NilPresent"/>
    /// sends Present as nil/null; <paramref name="Extra"/> adds an ignored member with a wrong value.
    /// </summary>
    public sealed record Entry(int? UserId, bool? Present, bool NilPresent = false, string? Extra = null)
    {
        public static readonly Entry? Nil = null;
    }

    /// <param name="Caller">Who saves (user id; the ticket goes with it).</param>
    /// <param name="Before">Presence set (as the administrator) before the call.</param>
    /// <param name="Decision">"Accepted" or the refusal's reason (SOAP ExceptionType, REST ErrorType).</param>
    /// <param name="After">Presence that must be stored after the call.</param>
    public sealed record Case(int Caller, Entry?[] Entries, (int User, bool Present)[] Before, string Decision, (int User, bool Present)[] After, string TicketPadding = "");

    private static readonly Dictionary<string, Case> Catalogue = new()
    {
        ["a plain save"] = new(1, [new(3, true)], [(3, false)], Accepted, [(3, true)]),
        ["duplicate users: the last entry wins"] = new(1, [new(3, true), new(4, true), new(3, false)], [(3, true), (4, false)], Accepted, [(3, false), (4, true)]),
        ["duplicate users the other way round"] = new(1, [new(3, false), new(3, true)], [(3, false)], Accepted, [(3, true)]),
        ["an empty list changes nothing"] = new(1, [], [(3, true)], Accepted, [(3, true)]),
        ["missing Present is refused, nothing silently false"] = new(1, [new(4, false), new(3, null)], [(3, true), (4, true)], "InvalidRequest", [(3, true), (4, true)]),
        ["nil Present is refused"] = new(1, [new(3, null, NilPresent: true)], [(3, true)], "InvalidRequest", [(3, true)]),
        ["missing UserId is refused"] = new(1, [new(3, false), new(null, true)], [(3, true)], "InvalidRequest", [(3, true)]),
        ["a nil entry is refused"] = new(1, [new(3, false), Entry.Nil], [(3, true)], "InvalidRequest", [(3, true)]),
        ["an unknown user fails the whole batch"] = new(1, [new(3, false), new(999, true)], [(3, true)], "UnknownUser", [(3, true)]),
        ["a user without chat access fails the whole batch"] = new(1, [new(3, false), new(8, true)], [(3, true)], "UnknownUser", [(3, true)]),
        ["a bad mask in an ignored member is ignored"] = new(1, [new(3, true, Extra: "mask")], [(3, false)], Accepted, [(3, true)]),
        ["a wrongly typed ignored member is ignored"] = new(1, [new(3, true, Extra: "ongoing")], [(3, false)], Accepted, [(3, true)]),
        ["an agent saves their own presence"] = new(2, [new(2, true)], [(2, false)], Accepted, [(2, true)]),
        ["an agent may not save someone else"] = new(2, [new(2, true), new(3, true)], [(2, false), (3, false)], "Forbidden", [(2, false), (3, false)]),
        ["a manager saves someone else"] = new(7, [new(3, true)], [(3, false)], Accepted, [(3, true)]),
        ["a ticket with surrounding spaces is the ticket"] = new(2, [new(2, true)], [(2, false)], Accepted, [(2, true)], TicketPadding: " "),
        ["whitespace inside a ticket is refused"] = new(2, [new(2, true)], [(2, false)], "NotAuthenticated", [(2, false)], TicketPadding: "inside"),
    };

    public static TheoryData<string> Cases() => new(Catalogue.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_facade_decides_a_save_the_same_way(string name)
    {
        var test = Catalogue[name];
        var ticket = Pad(await fixture.TicketAsync(test.Caller), test.TicketPadding);
        using var client = fixture.CreateClient();
        var decisions = new List<string>();
        foreach (var facade in FacadeCallers.All)
        {
            foreach (var (user, present) in test.Before)
            {
                await fixture.SetPresentAsync(user, present);
            }

            var decision = facade == FacadeCallers.Rest
                ? await RestSaveAsync(client, ticket, test.Entries)
                : await SoapSaveAsync(client, ticket, test.Entries, soap12: facade == FacadeCallers.Soap12);
            decisions.Add($"{facade}: {decision}");
            foreach (var (user, present) in test.After)
            {
                Assert.True(present == await fixture.PresentAsync(user), $"{name}, {facade}: user {user} should be {(present ? "present" : "away")} ({decision})");
            }
        }

        Assert.Equal(FacadeCallers.All.Select(f => $"{f}: {test.Decision}"), decisions);
    }

    private static string Pad(string ticket, string padding) => padding switch
    {
        "" => ticket,
        "inside" => ticket[..10] + " " + ticket[10..],
        _ => padding + ticket + padding,
    };

    private static async Task<string> SoapSaveAsync(HttpClient client, string ticket, Entry?[] entries, bool soap12)
    {
        XNamespace envelope = soap12 ? "http://www.w3.org/2003/05/soap-envelope" : "http://schemas.xmlsoap.org/soap/envelope/";
        var list = new XElement(T + "ChatPresence", entries.Select(entry => entry is null
            ? new XElement(T + "ChatPresence", new XAttribute(I + "nil", "true"))
            : new XElement(
                T + "ChatPresence",
                entry.Extra switch
                {
                    "mask" => new XElement(T + "TableRight", new XElement(T + "Mask", "Everything"), new XElement(T + "Reason", string.Empty)),
                    "ongoing" => new XElement(T + "OngoingChats", "many"),
                    _ => null,
                },
                entry.UserId is { } id ? new XElement(T + "UserId", id) : null,
                entry.Present is { } present ? new XElement(T + "Present", present ? "true" : "false")
                    : entry.NilPresent ? new XElement(T + "Present", new XAttribute(I + "nil", "true")) : null)));
        var document = new XElement(
            envelope + "Envelope",
            new XAttribute(XNamespace.Xmlns + "s", envelope),
            new XAttribute(XNamespace.Xmlns + "t", T),
            new XAttribute(XNamespace.Xmlns + "i", I),
            new XElement(envelope + "Header", new XElement(T + "Credentials", new XElement(T + "Ticket", ticket))),
            new XElement(envelope + "Body", new XElement(T + "SaveChatPresence", list)));
        using var request = SoapMessages.Request(soap12, SoapMessages.ChatPath, "SaveChatPresence", document.ToString(SaveOptions.DisableFormatting));
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        FacadeCallers.AssertNoStackTrace(text);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return $"fault {(int)response.StatusCode}";
        }

        var header = XDocument.Parse(text).Root!.Element(envelope + "Header")!;
        return header.Element(T + "Succeeded")!.Value == "true"
            ? Accepted
            : header.Element(T + "ExceptionInfo")!.Element(T + "ExceptionType")!.Value;
    }

    private static async Task<string> RestSaveAsync(HttpClient client, string ticket, Entry?[] entries)
    {
        var list = new JsonArray();
        foreach (var entry in entries)
        {
            if (entry is null)
            {
                list.Add(null);
                continue;
            }

            var item = new JsonObject();
            if (entry.UserId is { } id)
            {
                item["UserId"] = id;
            }

            if (entry.Present is { } present)
            {
                item["Present"] = present;
            }
            else if (entry.NilPresent)
            {
                item["Present"] = null;
            }

            if (entry.Extra == "mask")
            {
                item["TableRight"] = new JsonObject { ["Mask"] = "Everything", ["Reason"] = string.Empty };
            }
            else if (entry.Extra == "ongoing")
            {
                item["OngoingChats"] = "many";
            }

            list.Add(item);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/Agents/Chat/SaveChatPresence")
        {
            Content = new StringContent(new JsonObject { ["ChatPresence"] = list }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.TryAddWithoutValidation("Authorization", "SoTicket " + ticket);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        FacadeCallers.AssertNoStackTrace(text);
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return Accepted;
        }

        var type = JsonNode.Parse(text)!["ErrorType"]!.GetValue<string>();
        var expected = type switch
        {
            "InvalidRequest" or "UnknownUser" => HttpStatusCode.BadRequest,
            "Forbidden" => HttpStatusCode.Forbidden,
            "NotAuthenticated" => HttpStatusCode.Unauthorized,
            _ => (HttpStatusCode)0,
        };
        return response.StatusCode == expected ? type : $"{(int)response.StatusCode} {type}";
    }
}

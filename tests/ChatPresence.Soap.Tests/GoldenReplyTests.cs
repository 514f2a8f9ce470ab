using ChatPresence.Soap.Tests.Infrastructure;
using static ChatPresence.Tests.SoapMessages;

namespace ChatPresence.Soap.Tests;

/// <summary>
/// Replies compared with checked-in golden files after canonicalization (namespace-URI + local names, sorted
/// attributes, text): prefixes and namespace declaration placement may change, content and element order may not.
/// Set GOLDEN_UPDATE=1 to rewrite the files from the current replies (then review the diff).
/// </summary>
public sealed class GoldenReplyTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in new[] { "GetChatPresence", "GetChatPresence-TimeZone", "SaveChatPresence", "IsWithinOpeningHours", "BadTicket", "WrongPassword", "Fault-ActionNotSupported", "Fault-DeserializationFailed" })
        {
            data.Add(name, false);
            data.Add(name, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Reply_matches_its_golden_file(string name, bool soap12)
    {
        using var client = fixture.Host.CreateClient();
        var reply = await ReplyAsync(client, name, soap12);
        var file = $"{name}.soap{(soap12 ? "12" : "11")}.xml";
        var canonical = XmlCanon.Canonicalize(reply.Text);
        if (Environment.GetEnvironmentVariable("GOLDEN_UPDATE") == "1")
        {
            var pretty = System.Xml.Linq.XDocument.Parse(reply.Text).ToString();
            await File.WriteAllTextAsync(Path.Combine(RepoPaths.Root, "tests", "ChatPresence.Soap.Tests", "Golden", file), pretty + "\n");
            return;
        }

        var golden = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Golden", file));
        Assert.Equal(XmlCanon.Canonicalize(golden), canonical);
        Assert.DoesNotContain("\n", reply.Text, StringComparison.Ordinal); // no indentation on the wire
    }

    private static async Task<SoapReply> ReplyAsync(HttpClient client, string name, bool soap12)
    {
        switch (name)
        {
            case "GetChatPresence":
                return await CallAsync(client, soap12, "GetChatPresence", "<t:GetChatPresence/>", await LoginAsync(client, "agent3", "agent3"));
            case "GetChatPresence-TimeZone":
                return await SendAsync(client, Request(soap12, ChatPath, "GetChatPresence", Envelope(soap12, "<t:GetChatPresence/>", await LoginAsync(client, "admin", "admin"),
                    "<t:TimeZone><t:SoTimeZoneId>287</t:SoTimeZoneId><t:SoTimeZoneLocationCode>NO</t:SoTimeZoneLocationCode></t:TimeZone>")));
            case "SaveChatPresence":
                return await CallAsync(client, soap12, "SaveChatPresence",
                    "<t:SaveChatPresence><t:ChatPresence><t:ChatPresence><t:UserId>4</t:UserId><t:Present>false</t:Present></t:ChatPresence></t:ChatPresence></t:SaveChatPresence>",
                    await LoginAsync(client, "agent4", "agent4"));
            case "IsWithinOpeningHours":
                return await CallAsync(client, soap12, "IsWithinOpeningHours", "<t:IsWithinOpeningHours><t:ChatTopicId>1</t:ChatTopicId></t:IsWithinOpeningHours>", await LoginAsync(client, "agent5", "agent5"));
            case "BadTicket":
                return await CallAsync(client, soap12, "IsWithinOpeningHours", "<t:IsWithinOpeningHours><t:ChatTopicId>1</t:ChatTopicId></t:IsWithinOpeningHours>", "7T:unknown");
            case "WrongPassword":
                return await CallAsync(client, soap12, "AuthenticateUsernamePassword", "<t:AuthenticateUsernamePassword><t:UserName>agent2</t:UserName><t:Password>nope</t:Password></t:AuthenticateUsernamePassword>");
            case "Fault-ActionNotSupported":
                return await CallAsync(client, soap12, "DeleteEverything", "<t:DeleteEverything/>");
            default:
                return await CallAsync(client, soap12, "SaveChatPresence",
                    "<t:SaveChatPresence><t:ChatPresence><t:ChatPresence><t:UserId>x</t:UserId></t:ChatPresence></t:ChatPresence></t:SaveChatPresence>", "7T:unknown");
        }
    }
}

using System.Security;
using System.Text;
using System.Xml.Linq;
using ChatPresence.Soap.Tests.Infrastructure;
using static ChatPresence.Tests.SoapMessages;

namespace ChatPresence.Soap.Tests;

/// <summary>
/// Generated WS-Addressing headers (any version, action, MessageID, ReplyTo, mustUnderstand, HTTP action, body, SOAP
/// version; seeded, so a failure names its case): every reply is a SOAP envelope of the request's version, 200 with the
/// operation the action names or 500 with a Fault, relates to the request's MessageID when addressing was used,
/// carries no WS-Addressing header on SOAP 1.1; and the host still serves afterwards.
/// </summary>
public sealed class WsAddressingGeneratedTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{

    private static readonly string[] Namespaces = [Wsa10, Wsa2004, "urn:not-addressing"];
    private static readonly string[] Operations = ["GetChatPresence", "IsWithinOpeningHours", "DeleteEverything"];
    private static readonly string[] Texts = ["", " ", "urn:uuid:1", "a&b<c>\"d'", "\u00e6\u00f8\u00e5 \ud83d\ude00", "  padded  "];

    [Fact]
    public async Task Generated_addressing_headers_get_well_formed_answers_and_the_host_keeps_serving()
    {
        using var client = fixture.Host.CreateClient();
        var ticket = await LoginAsync(client, "agent2", "agent2");
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var soap12 = random.Next(4) != 0;
            var ns = Pick(random, Namespaces);
            var action = random.Next(5) switch
            {
                0 => null,
                1 => Pick(random, Texts),
                _ => Tns + "/Chat/" + Pick(random, Operations),
            };
            var messageId = random.Next(3) == 0 ? null : Pick(random, Texts) + random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var replyTo = random.Next(6) switch
            {
                0 => ns + (ns == Wsa2004 ? "/role/anonymous" : "/anonymous"),
                1 => ns + "/none",
                2 => "http://client.example/" + random.Next(10).ToString(System.Globalization.CultureInfo.InvariantCulture),
                3 => string.Empty,
                _ => null,
            };
            var body = Pick(random, Operations) switch
            {
                "IsWithinOpeningHours" => "<t:IsWithinOpeningHours><t:ChatTopicId>1</t:ChatTopicId></t:IsWithinOpeningHours>",
                "DeleteEverything" => "<t:DeleteEverything/>",
                _ => "<t:GetChatPresence/>",
            };
            var httpAction = random.Next(3) switch
            {
                0 => action,
                1 => Tns + "/Chat/" + Pick(random, Operations),
                _ => null,
            };
            if (httpAction is not null && !httpAction.All(char.IsAscii))
            {
                httpAction = null; // HTTP headers are ASCII
            }

            var headers = new StringBuilder();
            var mustUnderstand = random.Next(2) == 0 ? " s:mustUnderstand=\"1\"" : string.Empty;
            if (action is not null)
            {
                headers.Append($"<a:Action{mustUnderstand} xmlns:a=\"{ns}\">{SecurityElement.Escape(action)}</a:Action>");
            }

            if (messageId is not null)
            {
                headers.Append($"<a:MessageID xmlns:a=\"{ns}\">{SecurityElement.Escape(messageId)}</a:MessageID>");
            }

            if (replyTo is not null)
            {
                headers.Append(replyTo.Length == 0 ? $"<a:ReplyTo xmlns:a=\"{ns}\"/>" : $"<a:ReplyTo xmlns:a=\"{ns}\"><a:Address>{replyTo}</a:Address></a:ReplyTo>");
            }

            var name = $"seed {seed}: SOAP {(soap12 ? "1.2" : "1.1")}, {ns}, Action '{action}', MessageID '{messageId}', ReplyTo '{replyTo}', HTTP action '{httpAction}', body {body}";
            var reply = await SendAsync(client, Post(soap12, Envelope(soap12, body, ticket, headers.ToString()), httpAction));

            var env = soap12 ? Env12 : Env11;
            Assert.True(reply.Status is 200 or 500, $"{name}: status {reply.Status}. {reply.Text}");
            Assert.Equal(XName.Get("Envelope", env), reply.Xml.Root!.Name);
            var addressingHeaders = reply.Xml.Root.Elements(XName.Get("Header", env)).Elements().Where(e => e.Name.NamespaceName is Wsa10 or Wsa2004).ToArray();
            if (reply.Status == 500)
            {
                Assert.True(reply.Fault is not null, $"{name}: 500 without a fault. {reply.Text}");
            }
            else
            {
                Assert.Null(reply.Fault);
            }

            var usedAddressing = soap12 && ns != Namespaces[2] && (action is not null || messageId is not null || replyTo is not null);
            if (!usedAddressing)
            {
                Assert.True(addressingHeaders.Length == 0, $"{name}: addressing headers in the reply. {reply.Text}");
                continue;
            }

            Assert.True(addressingHeaders.All(h => h.Name.NamespaceName == ns), $"{name}: reply headers in another namespace. {reply.Text}");
            Assert.True(addressingHeaders.Any(h => h.Name.LocalName == "Action"), $"{name}: no a:Action in the reply. {reply.Text}");
            Assert.Equal(messageId?.Trim(), addressingHeaders.SingleOrDefault(h => h.Name.LocalName == "RelatesTo")?.Value);
            if (reply.Status == 200)
            {
                // Only the operation wsa:Action names is ever answered.
                var answered = reply.Body.Elements().Single().Name.LocalName;
                Assert.True(action?.Trim() == Tns + "/Chat/" + answered[..^"Response".Length], $"{name}: answered {answered}. {reply.Text}");
            }
        }

        Assert.NotEmpty(await GetPresenceAsync(client, ticket, soap12: true));
    }

    private static T Pick<T>(Random random, T[] values) => values[random.Next(values.Length)];

    private static HttpRequestMessage Post(bool soap12, string envelope, string? httpAction)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, ChatPath) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(envelope)) };
        if (soap12)
        {
            message.Content.Headers.TryAddWithoutValidation("Content-Type", httpAction is null
                ? "application/soap+xml; charset=utf-8"
                : $"application/soap+xml; charset=utf-8; action=\"{httpAction.Replace("\"", string.Empty, StringComparison.Ordinal)}\"");
        }
        else
        {
            message.Content.Headers.TryAddWithoutValidation("Content-Type", "text/xml; charset=utf-8");
            if (httpAction is not null)
            {
                message.Headers.TryAddWithoutValidation("SOAPAction", $"\"{httpAction.Replace("\"", string.Empty, StringComparison.Ordinal)}\"");
            }
        }

        return message;
    }
}

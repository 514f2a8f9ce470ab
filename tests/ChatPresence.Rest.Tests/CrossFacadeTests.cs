using System.Net;
using System.Text;
using System.Xml;
using ChatPresence.Domain.Security;
using Microsoft.Extensions.DependencyInjection;

namespace ChatPresence.Rest.Tests;

/// <summary>REST and SOAP share one domain: a save through either is visible through the other.</summary>
public sealed class CrossFacadeTests(RestHostFixture fixture) : IClassFixture<RestHostFixture>
{
    private const string Ns = "http://www.superoffice.net/ws/crm/NetServer/Services86";

    [Fact]
    public async Task A_REST_save_is_seen_by_a_raw_SOAP_GetChatPresence_and_a_SOAP_save_by_REST()
    {
        var login = await fixture.Host.Services.GetRequiredService<CallerAuthenticator>().LoginAsync("admin", "admin", null, null, "en", CancellationToken.None);
        using var rest = fixture.Client();
        using var soap = fixture.Host.CreateClient();

        foreach (var present in new[] { true, false })
        {
            using var save = await rest.PostAsync("api/v1/Presence/SaveAll", RestCatalogue.Text("application/json", $"[{{\"UserId\":5,\"Present\":{(present ? "true" : "false")}}}]"));
            Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
            Assert.Equal(present, await SoapPresentAsync(soap, login.Ticket!, 5));
        }

        foreach (var present in new[] { true, false })
        {
            var body = $"<SaveChatPresence xmlns=\"{Ns}\"><ChatPresence><ChatPresence><UserId>6</UserId><Present>{(present ? "true" : "false")}</Present></ChatPresence></ChatPresence></SaveChatPresence>";
            using var reply = await SoapAsync(soap, login.Ticket!, "SaveChatPresence", body);
            Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
            using var all = await rest.GetAsync("api/v1/Presence/GetAll");
            Assert.Equal(present, (await Replies.ReadRowsAsync(all)).Single(r => r.UserId == 6).Present);
        }
    }

    private static async Task<bool> SoapPresentAsync(HttpClient client, string ticket, int userId)
    {
        using var reply = await SoapAsync(client, ticket, "GetChatPresence", $"<GetChatPresence xmlns=\"{Ns}\" />");
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        using var reader = XmlReader.Create(await reply.Content.ReadAsStreamAsync(), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        int? currentUser = null;
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element || reader.NamespaceURI != Ns)
            {
                continue;
            }

            if (reader.LocalName == "UserId")
            {
                currentUser = reader.ReadElementContentAsInt();
            }
            else if (reader.LocalName == "Present" && currentUser == userId)
            {
                return reader.ReadElementContentAsBoolean();
            }
        }

        throw new Xunit.Sdk.XunitException($"user {userId} not in the SOAP reply");
    }

    private static Task<HttpResponseMessage> SoapAsync(HttpClient client, string ticket, string operation, string body)
    {
        var envelope = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Header>"
            + $"<Credentials xmlns=\"{Ns}\"><Ticket>{ticket}</Ticket></Credentials></s:Header><s:Body>{body}</s:Body></s:Envelope>";
        var request = new HttpRequestMessage(HttpMethod.Post, "Remote/Services86/Chat.svc")
        {
            Content = new StringContent(envelope, Encoding.UTF8, "text/xml"),
        };
        request.Headers.Add("SOAPAction", $"\"{Ns}/Chat/{operation}\"");
        return client.SendAsync(request);
    }
}

using System.Net;
using System.Text;
using System.Xml;
using ChatPresence.Domain.Security;
using ChatPresence.Domain.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace ChatPresence.Rest.Tests;

/// <summary>REST and SOAP share one domain: a save through either is visible through the other.</summary>
public sealed class CrossFacadeTests(RestHostFixture fixture) : IClassFixture<RestHostFixture>
{
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
            var reply = await SoapMessages.CallAsync(soap, soap12: false, "SaveChatPresence", SoapMessages.SaveBody(6, present), login.Ticket);
            Assert.Equal(200, reply.Status);
            Assert.Equal("true", reply.Header("Succeeded")!.Value);
            using var all = await rest.GetAsync("api/v1/Presence/GetAll");
            Assert.Equal(present, (await RestReplies.ReadRowsAsync(all)).Single(r => r.UserId == 6).Present);
        }
    }

    private static async Task<bool> SoapPresentAsync(HttpClient client, string ticket, int userId) =>
        (await SoapMessages.GetPresenceAsync(client, ticket)).Select(SoapRows.Read).Single(row => row.UserId == userId).Present;
}

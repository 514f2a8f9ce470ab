using System.Net;
using System.Text;
using System.Xml.Linq;
using ChatPresence.Host.Tests.Security;
using ChatPresence.Tests;
using Microsoft.Data.Sqlite;

namespace ChatPresence.Host.Tests;

/// <summary>
/// Issue 10: replies never depend on the importer being right. A store that already holds a display name XML cannot
/// carry (written with SQL, past the import check) still gives well-formed SOAP and REST replies, buffered and streamed,
/// with the bad characters replaced by U+FFFD, and logins of that user work.
/// </summary>
public sealed class UncarriableTextTests
{
    private const string BadName = "Cecilia\u0001\u001F\uFFFE\uFFFF Agent";
    private const string SafeName = "Cecilia\uFFFD\uFFFD\uFFFD\uFFFD Agent";
    private static readonly XNamespace T = SoapMessages.Tns;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_stored_name_XML_cannot_carry_gives_well_formed_replies(bool streamed)
    {
        var folder = Directory.CreateTempSubdirectory("chatpresence-uncarriable-").FullName;
        try
        {
            var database = Path.Combine(folder, "chat.db");
            await using (await ChatPresenceHost.StartAsync(s => s["ChatPresence:DatabasePath"] = database))
            {
                // the first host imports the demo directory, then stops
            }

            await using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
            {
                await connection.OpenAsync();
                await using var update = connection.CreateCommand();
                update.CommandText = "UPDATE users SET display_name = $name WHERE id = 3";
                update.Parameters.AddWithValue("$name", BadName);
                Assert.Equal(1, await update.ExecuteNonQueryAsync());
            }

            await using var host = await ChatPresenceHost.StartAsync(s =>
            {
                s["ChatPresence:DatabasePath"] = database;
                s["ChatPresence:Soap:StreamRepliesAboveRows"] = streamed ? "2" : "10000";
                s["ChatPresence:Rest:StreamRepliesAboveRows"] = streamed ? "2" : "10000";
            }, environment: "Production");
            using var client = host.CreateClient();

            foreach (var facade in new[] { FacadeCallers.Soap11, FacadeCallers.Soap12 })
            {
                var soap = FacadeCallers.Create(facade, client);
                var login = await soap.LoginAsync("agent3", "agent3", null);
                Assert.Equal(Outcome.Ok, login.Outcome);
                Assert.Equal(SafeName, XDocument.Parse(login.Body).Descendants(T + "FullName").Single().Value);

                var reply = await soap.GetAsync(login.Session!, null);
                Assert.Equal(Outcome.Ok, reply.Outcome); // Succeeded=true, and the body parsed
                Assert.Equal(streamed, reply.Response.Headers.TransferEncodingChunked == true);
                Assert.Equal(SafeName, NameOf3(XDocument.Parse(reply.Body).Descendants(T + "ChatPresence")));
            }

            using var rest = host.CreateClientAs("agent2");
            foreach (var accept in new[] { "application/xml", "text/xml" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/Presence/GetAll");
                request.Headers.Accept.ParseAdd(accept);
                using var response = await rest.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(streamed, response.Headers.TransferEncodingChunked == true);
                var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.Equal(SafeName, NameOf3(xml.Root!.Elements(T + "ChatPresence")));
            }

            using (var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/Presence/GetAll"))
            {
                request.Headers.Accept.ParseAdd("application/json");
                using var response = await rest.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var row = RestReplies.JsonRowOf(await response.Content.ReadAsStringAsync(), 3);
                Assert.Equal(BadName, row.GetProperty("DisplayName").GetString()); // JSON escapes what it cannot carry raw
            }

            Assert.Empty(host.Log.Errors);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Issue 10: SoPrincipal login of a user whose reply could not be written answered UnexpectedError but kept the
    /// ticket row it had inserted. Now the login either succeeds with one ticket or leaves none.
    /// </summary>
    [Fact]
    public async Task A_login_leaves_a_ticket_row_only_when_it_succeeds()
    {
        var folder = Directory.CreateTempSubdirectory("chatpresence-uncarriable-").FullName;
        try
        {
            var database = Path.Combine(folder, "chat.db");
            await using (await ChatPresenceHost.StartAsync(s => s["ChatPresence:DatabasePath"] = database))
            {
            }

            await ExecuteAsync(database, "UPDATE users SET display_name = $name WHERE id = 3", BadName);
            await using (var host = await ChatPresenceHost.StartAsync(s => s["ChatPresence:DatabasePath"] = database, environment: "Production"))
            {
                using var client = host.CreateClient();
                using var content = new StringContent(
                    "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><AuthenticateUsernamePassword xmlns=\"" + T.NamespaceName
                    + "\"><UserName>agent3</UserName><Password>agent3</Password></AuthenticateUsernamePassword></s:Body></s:Envelope>",
                    Encoding.UTF8,
                    "text/xml");
                content.Headers.Add("SOAPAction", "\"" + T.NamespaceName + "/SoPrincipal/AuthenticateUsernamePassword\"");
                using var response = await client.PostAsync(new Uri("Remote/Services86/SoPrincipal.svc", UriKind.Relative), content);
                var succeeded = XDocument.Parse(await response.Content.ReadAsStringAsync()).Descendants(T + "Succeeded").Single().Value == "true";
                var tickets = await ExecuteAsync(database, "SELECT count(*) FROM tickets WHERE user_id = 3", null);
                Assert.Equal(succeeded ? 1L : 0L, tickets);
                Assert.True(succeeded);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<long> ExecuteAsync(string database, string sql, string? name)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (name is not null)
        {
            command.Parameters.AddWithValue("$name", name);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string NameOf3(IEnumerable<XElement> rows) =>
        rows.Single(r => r.Element(T + "UserId")!.Value == "3").Element(T + "DisplayName")!.Value;
}

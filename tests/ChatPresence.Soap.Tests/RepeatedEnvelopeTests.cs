using ChatPresence.Soap.Tests.Infrastructure;
using static ChatPresence.Tests.SoapMessages;

namespace ChatPresence.Soap.Tests;

/// <summary>
/// A connection that sends the same envelope again reuses the earlier read (RepeatedEnvelope). These tests keep one
/// HTTP/1.1 connection (real Kestrel) and show that anything that differs — ticket, SOAP version, action, a byte of
/// the body — is read afresh, and that a reused read still goes through authentication every time.
/// </summary>
public sealed class RepeatedEnvelopeTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private HttpClient OneConnection() =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = fixture.Host.BaseAddress };

    [Fact]
    public async Task The_same_bytes_with_another_version_or_action_are_read_afresh()
    {
        using var client = OneConnection();
        var ticket = await LoginAsync(client, "agent2", "agent2");
        var envelope = Envelope(soap12: false, "<t:GetChatPresence/>", ticket);
        for (var i = 0; i < 2; i++)
        {
            var ok = await SendAsync(client, Request(soap12: false, ChatPath, "GetChatPresence", envelope));
            Assert.Equal("true", ok.Header("Succeeded")!.Value);

            // Same bytes as SOAP 1.2: the envelope namespace does not match the version.
            var mismatch = await SendAsync(client, Request(soap12: true, ChatPath, "GetChatPresence", envelope));
            Assert.Equal(500, mismatch.Status);
            Assert.Contains("VersionMismatch", mismatch.Text, StringComparison.Ordinal);

            // Same bytes under another action: the body element disagrees with it.
            var otherAction = await SendAsync(client, Request(soap12: false, ChatPath, "IsWithinOpeningHours", envelope));
            Assert.Equal(500, otherAction.Status);
        }
    }

    [Fact]
    public async Task Another_ticket_or_a_changed_byte_on_the_same_connection_is_read_afresh()
    {
        using var client = OneConnection();
        var agent = await LoginAsync(client, "agent5", "agent5");
        var admin = await LoginAsync(client, "admin", "admin");
        for (var i = 0; i < 2; i++)
        {
            var agentRows = await GetPresenceAsync(client, agent);
            var againAgent = await GetPresenceAsync(client, agent);
            var adminRows = await GetPresenceAsync(client, admin);
            Assert.Equal("Select", agentRows.Single(r => r.Element(T + "UserId")!.Value == "3").Element(T + "TableRight")!.Element(T + "Mask")!.Value);
            Assert.Equal("Select", againAgent.Single(r => r.Element(T + "UserId")!.Value == "3").Element(T + "TableRight")!.Element(T + "Mask")!.Value);
            Assert.All(adminRows, r => Assert.Equal("Select Update", r.Element(T + "TableRight")!.Element(T + "Mask")!.Value));
        }

        var good = Envelope(soap12: false, "<t:IsWithinOpeningHours><t:ChatTopicId>1</t:ChatTopicId></t:IsWithinOpeningHours>", agent);
        var open = await SendAsync(client, Request(soap12: false, ChatPath, "IsWithinOpeningHours", good));
        Assert.Equal("true", open.Body.Element(T + "IsWithinOpeningHoursResponse")!.Element(T + "Response")!.Value);
        var closed = await SendAsync(client, Request(soap12: false, ChatPath, "IsWithinOpeningHours", good.Replace(">1<", ">9<", StringComparison.Ordinal)));
        Assert.Equal("false", closed.Header("Succeeded")!.Value); // unknown topic 9: refused, not topic 1's answer
        var broken = await SendAsync(client, Request(soap12: false, ChatPath, "IsWithinOpeningHours", good[..^1]));
        Assert.Equal(500, broken.Status);
    }

    [Fact]
    public async Task A_repeated_envelope_is_still_authenticated_every_time()
    {
        using var client = OneConnection();
        var ticket = await LoginAsync(client, "agent4", "agent4");
        Assert.NotEmpty(await GetPresenceAsync(client, ticket));
        Assert.NotEmpty(await GetPresenceAsync(client, ticket));

        var authority = (Domain.Identity.TicketAuthority)fixture.Host.Services.GetService(typeof(Domain.Identity.TicketAuthority))!;
        await authority.RevokeTicketsAsync(4, CancellationToken.None);

        var refused = await CallAsync(client, soap12: false, "GetChatPresence", "<t:GetChatPresence/>", ticket);
        Assert.Equal("false", refused.Header("Succeeded")!.Value);
    }
}

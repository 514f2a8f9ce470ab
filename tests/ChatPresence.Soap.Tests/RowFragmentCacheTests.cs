using ChatPresence.Soap.Tests.Infrastructure;
using CsCheck;
using static ChatPresence.Tests.SoapMessages;

namespace ChatPresence.Soap.Tests;

/// <summary>
/// The cold path reuses encoded rows across saves (<c>RowFragmentCacheBytes</c>): after any sequence of saves, every
/// rights view's reply is byte for byte the reply of a host that encodes every row afresh.
/// </summary>
public sealed class RowFragmentCacheTests
{
    private static readonly Gen<(int UserId, bool Present)[]> Saves = Gen.Select(Gen.Int[1, 8], Gen.Bool).Array[1, 6];

    [Fact]
    public async Task After_any_saves_the_reply_equals_one_encoded_afresh()
    {
        // Reply caches off on both, so every read is cold; a tiny fragment budget on a third host exercises starting over.
        await using var reusing = await SoapTestDirectory.StartHostAsync(s =>
        {
            s["ChatPresence:Soap:ReplyCacheEntries"] = "0";
            s["ChatPresence:Soap:RowFragmentCacheBytes"] = "67108864";
        });
        await using var tight = await SoapTestDirectory.StartHostAsync(s =>
        {
            s["ChatPresence:Soap:ReplyCacheEntries"] = "0";
            s["ChatPresence:Soap:RowFragmentCacheBytes"] = "3000";
        });
        await using var afresh = await SoapTestDirectory.StartHostAsync(s =>
        {
            s["ChatPresence:Soap:ReplyCacheEntries"] = "0";
            s["ChatPresence:Soap:RowFragmentCacheBytes"] = "0";
        });
        var hosts = new[] { reusing, tight, afresh };
        var clients = hosts.Select(h => h.CreateClient()).ToArray();
        var admins = new string[3];
        var agents = new string[3];
        for (var i = 0; i < 3; i++)
        {
            admins[i] = await LoginAsync(clients[i], "admin", "admin");
            agents[i] = await LoginAsync(clients[i], "agent3", "agent3");
        }

        await Saves.SampleAsync(
            async saves =>
            {
                var body = string.Concat(saves.Select(s => $"<t:ChatPresence><t:UserId>{s.UserId}</t:UserId><t:Present>{(s.Present ? "true" : "false")}</t:Present></t:ChatPresence>"));
                for (var i = 0; i < 3; i++)
                {
                    var saved = await CallAsync(clients[i], false, "SaveChatPresence", $"<t:SaveChatPresence><t:ChatPresence>{body}</t:ChatPresence></t:SaveChatPresence>", admins[i]);
                    Assert.Equal(200, saved.Status);
                }

                foreach (var soap12 in new[] { false, true })
                {
                    foreach (var tickets in new[] { admins, agents })
                    {
                        var expected = (await CallAsync(clients[2], soap12, "GetChatPresence", "<t:GetChatPresence/>", tickets[2])).Text;
                        Assert.Equal(expected, (await CallAsync(clients[0], soap12, "GetChatPresence", "<t:GetChatPresence/>", tickets[0])).Text);
                        Assert.Equal(expected, (await CallAsync(clients[1], soap12, "GetChatPresence", "<t:GetChatPresence/>", tickets[1])).Text);
                    }
                }
            },
            iter: 25,
            threads: 1);

        foreach (var client in clients)
        {
            client.Dispose();
        }
    }
}

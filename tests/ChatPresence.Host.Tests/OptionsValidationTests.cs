using ChatPresence.Tests;
using Microsoft.Extensions.Options;

namespace ChatPresence.Host.Tests;

/// <summary>
/// Every options type is bound and validated one way: a value out of range stops the host at start, with one line
/// naming the configuration key, instead of failing later (or never) inside the first request that uses it.
/// </summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("ChatPresence:Soap:ReplyCacheEntries", "-1")]
    [InlineData("ChatPresence:Soap:MaxBodyBytes", "0")]
    [InlineData("ChatPresence:Rest:StreamRepliesAboveRows", "-5")]
    [InlineData("ChatPresence:Rest:StreamHeartbeat", "-00:00:01")]
    [InlineData("ChatPresence:Identity:PasswordIterations", "0")]
    [InlineData("ChatPresence:Identity:TicketIdleTimeout", "00:00:00")]
    [InlineData("ChatPresence:Security:LoginThrottle:FailuresPerLogin", "0")]
    [InlineData("ChatPresence:Security:BasicCredentialLifetime", "-00:00:01")]
    [InlineData("ChatPresence:Postgres:LockTimeout", "-00:00:01")]
    [InlineData("ChatPresence:Postgres:MaxPoolSize", "0")]
    [InlineData("ChatPresence:Live:StreamCapacity", "0")]
    [InlineData("ChatPresence:ForwardedHeaders:ForwardLimit", "0")]
    [InlineData("ChatPresence:Telemetry:PrometheusPath", "metrics")]
    public async Task An_out_of_range_value_stops_the_host_at_start_with_one_line_naming_the_key(string key, string value)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ChatPresenceHost.StartAsync(s => s[key] = value));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task The_process_exits_with_one_line_naming_the_key_and_no_stack_trace()
    {
        var folder = Directory.CreateTempSubdirectory("chatpresence-options-").FullName;
        try
        {
            var (exitCode, _, error) = await HostProcess.RunCommandAsync(
                folder, null, "--urls", "http://127.0.0.1:0", "--ChatPresence:Soap:ReplyCacheEntries=-1");

            Assert.Equal(78, exitCode);
            var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                l => l.Contains("ChatPresence:Soap:ReplyCacheEntries", StringComparison.Ordinal));
            Assert.StartsWith("The host did not start:", line, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_defaults_are_valid()
    {
        await using var host = await ChatPresenceHost.StartAsync(environment: "Production");
        Assert.NotNull(host.Services.GetService(typeof(IOptions<ChatPresence.Soap.SoapOptions>)));
    }
}

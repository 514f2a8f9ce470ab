using System.Net;
using System.Text;
using ChatPresence.Tests;

namespace ChatPresence.Host.Tests.Security;

/// <summary>
/// Issue 10: 60–95 wrong passwords arriving in parallel let 14–19 through to the password check before the lock
/// (10 is the documented limit). The throttle now reserves a check before it is made, atomically.
/// </summary>
public sealed class ParallelThrottleTests
{
    [Fact]
    public async Task A_hundred_parallel_wrong_passwords_get_at_most_ten_password_checks()
    {
        // A slow hash (as in production) widens the window between "may I check?" and "it was wrong".
        await using var host = await ChatPresenceHost.StartAsync(s => s["ChatPresence:Identity:PasswordIterations"] = "60000", environment: "Production");
        using var client = host.CreateClient();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, 100).Select(async i =>
        {
            await start.Task;
            using var content = new StringContent("{\"UserName\":\"agent2\",\"Password\":\"wrong-" + i + "\"}", Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(new Uri("api/v1/Login", UriKind.Relative), content);
            return response.StatusCode;
        }).ToArray();
        start.SetResult();
        var statuses = await Task.WhenAll(attempts);

        var checkedPasswords = statuses.Count(s => s == HttpStatusCode.Unauthorized); // a 401 is a checked, wrong password
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
        Assert.InRange(checkedPasswords, 1, 10);

        // The lock holds afterwards, even for the right password.
        using var right = new StringContent("{\"UserName\":\"agent2\",\"Password\":\"agent2\"}", Encoding.UTF8, "application/json");
        using var afterwards = await client.PostAsync(new Uri("api/v1/Login", UriKind.Relative), right);
        Assert.Equal(HttpStatusCode.TooManyRequests, afterwards.StatusCode);
    }
}

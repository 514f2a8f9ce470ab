using System.Diagnostics;

namespace ChatPresence.Domain.Telemetry;

/// <summary>
/// The id that ties an unexpected failure's reply to its log lines and trace: the current trace id. Replies carry it
/// outside Development instead of any exception detail, so an operator can find what happened.
/// </summary>
public static class Correlation
{
    /// <summary><paramref name="text"/> followed by the correlation id, when there is a current trace.</summary>
    public static string Append(string text) =>
        Activity.Current is { } activity ? $"{text} Correlation id: {activity.TraceId.ToHexString()}." : text;
}

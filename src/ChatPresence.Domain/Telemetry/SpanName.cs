using System.Diagnostics;

namespace ChatPresence.Domain.Telemetry;

/// <summary>
/// Names the current server span after the operation it served (<c>Chat.GetChatPresence</c>), where the route alone
/// would name every call of an endpoint alike. ASP.NET Core's instrumentation names the span after its route when the
/// request ends, so the name is also kept on the span for the host to apply again after that (<see cref="Reapply"/>).
/// </summary>
public static class SpanName
{
    private const string Property = "chatpresence.span.name";

    public static void Set(string name)
    {
        // Only a recorded span: an unsampled one is never exported, so it needs no name (nor the property's allocation).
        if (Activity.Current is { IsAllDataRequested: true } span)
        {
            span.DisplayName = name;
            span.SetCustomProperty(Property, name);
        }
    }

    /// <summary>Gives <paramref name="span"/> back the name <see cref="Set"/> chose, if any.</summary>
    public static void Reapply(Activity span)
    {
        if (span.GetCustomProperty(Property) is string name)
        {
            span.DisplayName = name;
        }
    }
}

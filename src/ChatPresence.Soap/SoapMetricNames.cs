namespace ChatPresence.Soap;

/// <summary>
/// The operation attribute of the request metric and the server span's name (<c>Service.Operation</c>): constant
/// strings, so recording allocates nothing.
/// </summary>
internal static class SoapMetricNames
{
    public static string Of(SoapOperation operation) => operation switch
    {
        SoapOperation.GetChatPresence => nameof(SoapOperation.GetChatPresence),
        SoapOperation.SaveChatPresence => nameof(SoapOperation.SaveChatPresence),
        SoapOperation.IsWithinOpeningHours => nameof(SoapOperation.IsWithinOpeningHours),
        SoapOperation.AuthenticateUsernamePassword => nameof(SoapOperation.AuthenticateUsernamePassword),
        _ => "None",
    };

    /// <summary>The span name for a known operation; null for None (the span keeps its route name).</summary>
    public static string? SpanName(SoapOperation operation) => operation switch
    {
        SoapOperation.GetChatPresence => "Chat.GetChatPresence",
        SoapOperation.SaveChatPresence => "Chat.SaveChatPresence",
        SoapOperation.IsWithinOpeningHours => "Chat.IsWithinOpeningHours",
        SoapOperation.AuthenticateUsernamePassword => "SoPrincipal.AuthenticateUsernamePassword",
        _ => null,
    };
}

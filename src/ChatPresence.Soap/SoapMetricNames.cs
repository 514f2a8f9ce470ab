namespace ChatPresence.Soap;

/// <summary>The operation attribute of the request metric: constant strings, so recording allocates nothing.</summary>
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
}

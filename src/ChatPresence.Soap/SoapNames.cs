namespace ChatPresence.Soap;

/// <summary>Namespaces and actions of the published Services86 contract.</summary>
internal static class SoapNames
{
    public const string Tns = "http://www.superoffice.net/ws/crm/NetServer/Services86";
    public const string Arrays = "http://schemas.microsoft.com/2003/10/Serialization/Arrays";
    public const string Xsi = "http://www.w3.org/2001/XMLSchema-instance";
    public const string Xmlns = "http://www.w3.org/2000/xmlns/";
    public const string Addressing10 = "http://www.w3.org/2005/08/addressing";
    public const string Addressing200408 = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
    public const string Dispatcher = "http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher";
    public const string DispatcherFaultAction = Dispatcher + "/fault";

    /// <summary>WCF's namespace for AddressingVersion.None: the ActionNotSupported code of BasicHttpBinding and plain SOAP 1.2.</summary>
    public const string AddressingNone = "http://schemas.microsoft.com/ws/2005/05/addressing/none";

    public const string ChatActionPrefix = Tns + "/Chat/";
    public const string SoPrincipalActionPrefix = Tns + "/SoPrincipal/";
}

/// <summary>The two services served at their own addresses.</summary>
public enum SoapService
{
    Chat,
    SoPrincipal,
}

/// <summary>The operations of both services.</summary>
public enum SoapOperation
{
    None = 0,
    GetChatPresence,
    SaveChatPresence,
    IsWithinOpeningHours,
    AuthenticateUsernamePassword,
}

internal static class SoapOperations
{
    /// <summary>The operation a body element (in the contract namespace) names on <paramref name="service"/>, or None.</summary>
    public static SoapOperation FromElement(SoapService service, string localName) => service switch
    {
        SoapService.Chat => localName switch
        {
            "GetChatPresence" => SoapOperation.GetChatPresence,
            "SaveChatPresence" => SoapOperation.SaveChatPresence,
            "IsWithinOpeningHours" => SoapOperation.IsWithinOpeningHours,
            _ => SoapOperation.None,
        },
        _ => localName == "AuthenticateUsernamePassword" ? SoapOperation.AuthenticateUsernamePassword : SoapOperation.None,
    };

    /// <summary>The operation an HTTP-level action names on <paramref name="service"/>, or None.</summary>
    public static SoapOperation FromAction(SoapService service, ReadOnlySpan<char> action)
    {
        var prefix = service == SoapService.Chat ? SoapNames.ChatActionPrefix : SoapNames.SoPrincipalActionPrefix;
        if (!action.StartsWith(prefix, StringComparison.Ordinal))
        {
            return SoapOperation.None;
        }

        var name = action[prefix.Length..];
        return service switch
        {
            SoapService.Chat => name switch
            {
                "GetChatPresence" => SoapOperation.GetChatPresence,
                "SaveChatPresence" => SoapOperation.SaveChatPresence,
                "IsWithinOpeningHours" => SoapOperation.IsWithinOpeningHours,
                _ => SoapOperation.None,
            },
            _ => name is "AuthenticateUsernamePassword" ? SoapOperation.AuthenticateUsernamePassword : SoapOperation.None,
        };
    }

    /// <summary>The input action of <paramref name="operation"/> (the WSDL's soapAction and wsaw:Action).</summary>
    public static string Action(SoapOperation operation) => operation switch
    {
        SoapOperation.GetChatPresence => SoapNames.ChatActionPrefix + "GetChatPresence",
        SoapOperation.SaveChatPresence => SoapNames.ChatActionPrefix + "SaveChatPresence",
        SoapOperation.IsWithinOpeningHours => SoapNames.ChatActionPrefix + "IsWithinOpeningHours",
        SoapOperation.AuthenticateUsernamePassword => SoapNames.SoPrincipalActionPrefix + "AuthenticateUsernamePassword",
        _ => string.Empty,
    };

    public static string ResponseElement(SoapOperation operation) => operation switch
    {
        SoapOperation.GetChatPresence => "GetChatPresenceResponse",
        SoapOperation.SaveChatPresence => "SaveChatPresenceResponse",
        SoapOperation.IsWithinOpeningHours => "IsWithinOpeningHoursResponse",
        SoapOperation.AuthenticateUsernamePassword => "AuthenticateUsernamePasswordResponse",
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    };
}

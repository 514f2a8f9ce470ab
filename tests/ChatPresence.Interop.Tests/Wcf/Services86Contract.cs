// The client contract of Services86 Chat.svc and SoPrincipal.svc, written the way dotnet-svcutil renders the served
// ?singleWsdl: DataContract types (member Order where the schema order is not alphabetical), wrapped message
// contracts carrying the SOAP headers, Task-based operations with Action/ReplyAction. WcfContractTests checks it
// against the WSDL the host serves, so a drift on either side fails a test.
using System.Runtime.Serialization;
using System.ServiceModel;

namespace ChatPresence.Interop.Tests.Wcf;

internal static class Services86
{
    public const string Namespace = "http://www.superoffice.net/ws/crm/NetServer/Services86";
    public const string Arrays = "http://schemas.microsoft.com/2003/10/Serialization/Arrays";
    public const string ChatAction = Namespace + "/Chat/";
    public const string SoPrincipalAction = Namespace + "/SoPrincipal/";
}

[DataContract(Name = "SoCredentials", Namespace = Services86.Namespace)]
public sealed class SoCredentials
{
    [DataMember]
    public string? Ticket { get; set; }
}

[DataContract(Name = "SoTimeZone", Namespace = Services86.Namespace)]
public sealed class SoTimeZone
{
    [DataMember]
    public int SoTimeZoneId { get; set; }

    [DataMember]
    public string? SoTimeZoneLocationCode { get; set; }
}

[DataContract(Name = "Carrier", Namespace = Services86.Namespace)]
[KnownType(typeof(ChatPresence))]
public class Carrier
{
    [DataMember]
    public TableRight? TableRight { get; set; }

    [DataMember(Order = 1)]
    public FieldPropertyDictionary? FieldProperties { get; set; }
}

[DataContract(Name = "ChatPresence", Namespace = Services86.Namespace)]
public sealed class ChatPresence : Carrier
{
    [DataMember]
    public int UserId { get; set; }

    [DataMember(Order = 1)]
    public string? DisplayName { get; set; }

    [DataMember(Order = 2)]
    public int OngoingChats { get; set; }

    [DataMember(Order = 3)]
    public bool Present { get; set; }

    [DataMember(Order = 4)]
    public int[]? ChatTopics { get; set; }
}

[DataContract(Name = "TableRight", Namespace = Services86.Namespace)]
public sealed class TableRight
{
    [DataMember]
    public ETableRight Mask { get; set; }

    [DataMember]
    public string? Reason { get; set; }
}

[Flags]
[DataContract(Name = "ETableRight", Namespace = Services86.Namespace)]
public enum ETableRight
{
    [EnumMember] Select = 1,
    [EnumMember] Update = 2,
    [EnumMember] Insert = 4,
    [EnumMember] Delete = 8,
    [EnumMember] Filtering = 16,
    [EnumMember] RestrictedUpdate = 32,
}

[CollectionDataContract(Name = "FieldPropertyDictionary", Namespace = Services86.Namespace, ItemName = "FieldPropertyDictionaryKeyValuePair", KeyName = "Key", ValueName = "Value")]
public sealed class FieldPropertyDictionary : Dictionary<string, FieldProperty>
{
}

[DataContract(Name = "FieldProperty", Namespace = Services86.Namespace)]
public sealed class FieldProperty
{
    [DataMember]
    public FieldRight? FieldRight { get; set; }

    [DataMember(Order = 1)]
    public string? FieldType { get; set; }

    [DataMember(Order = 2)]
    public int FieldLength { get; set; }
}

[DataContract(Name = "FieldRight", Namespace = Services86.Namespace)]
public sealed class FieldRight
{
    [DataMember]
    public EFieldRight Mask { get; set; }

    [DataMember]
    public string? Reason { get; set; }
}

[Flags]
[DataContract(Name = "EFieldRight", Namespace = Services86.Namespace)]
public enum EFieldRight
{
    [EnumMember] Read = 1,
    [EnumMember] Write = 2,
    [EnumMember] Unused1 = 4,
    [EnumMember] Unused2 = 8,
    [EnumMember] Unused3 = 16,
    [EnumMember] Unused4 = 32,
    [EnumMember] UIHintMandatory = 64,
    [EnumMember] UIHintReadOnly = 128,
    [EnumMember] UndefinedValue256 = 256,
}

[DataContract(Name = "SoExceptionInfo", Namespace = Services86.Namespace)]
public sealed class SoExceptionInfo
{
    [DataMember]
    public string? Message { get; set; }

    [DataMember(Order = 1)]
    public string? StackTrace { get; set; }

    [DataMember(Order = 2)]
    public string? FriendlyText { get; set; }

    [DataMember(Order = 3)]
    public string? ExceptionType { get; set; }

    [DataMember(Order = 4)]
    public string? Source { get; set; }

    [DataMember(Order = 5)]
    public SoExceptionInfo? InnerException { get; set; }

    [DataMember(Order = 6)]
    public SoExceptionInfoParameters? Parameters { get; set; }
}

[CollectionDataContract(Name = "SoExceptionInfoParameters", Namespace = Services86.Namespace, ItemName = "SoExceptionInfoParametersKeyValuePair", KeyName = "Key", ValueName = "Value")]
public sealed class SoExceptionInfoParameters : Dictionary<string, string>
{
}

[CollectionDataContract(Name = "SoExtraInfo", Namespace = Services86.Namespace, ItemName = "ExtraInfoNameValuePair", KeyName = "Key", ValueName = "Value")]
public sealed class SoExtraInfo : Dictionary<string, string>
{
}

[DataContract(Name = "AuthenticateResponse", Namespace = Services86.Namespace)]
public sealed class AuthenticateResponse
{
    [DataMember]
    public SoPrincipalCarrier? Response { get; set; }

    [DataMember(Order = 1)]
    public SoCredentials? Credentials { get; set; }

    [DataMember(Order = 2)]
    public bool AuthenticationSucceeded { get; set; }
}

[DataContract(Name = "SoPrincipalCarrier", Namespace = Services86.Namespace)]
public sealed class SoPrincipalCarrier
{
    [DataMember]
    public int AssociateId { get; set; }

    [DataMember(Order = 1)]
    public string? Associate { get; set; }

    [DataMember(Order = 2)]
    public string? FullName { get; set; }

    [DataMember(Order = 3)]
    public UserType UserType { get; set; }

    [DataMember(Order = 4)]
    public string? RoleName { get; set; }
}

[DataContract(Name = "UserType", Namespace = Services86.Namespace)]
public enum UserType
{
    [EnumMember] InternalAssociate = 0,
    [EnumMember] ResourceAssociate = 1,
    [EnumMember] ExternalAssociate = 2,
    [EnumMember] AnonymousAssociate = 3,
    [EnumMember] SystemAssociate = 4,
}

/// <summary>The three request headers every Chat operation carries (svcutil repeats them per message; one base here).</summary>
[MessageContract]
public abstract class ChatRequestHeaders
{
    [MessageHeader(Namespace = Services86.Namespace)]
    public string? ApplicationToken;

    [MessageHeader(Namespace = Services86.Namespace)]
    public SoCredentials? Credentials;

    [MessageHeader(Namespace = Services86.Namespace)]
    public SoTimeZone? TimeZone;
}

/// <summary>The four reply headers of every operation of both services.</summary>
[MessageContract]
public abstract class ReplyHeaders
{
    [MessageHeader(Namespace = Services86.Namespace)]
    public SoExceptionInfo? ExceptionInfo;

    [MessageHeader(Namespace = Services86.Namespace)]
    public SoExtraInfo? ExtraInfo;

    [MessageHeader(Namespace = Services86.Namespace)]
    public bool Succeeded;

    [MessageHeader(Namespace = Services86.Namespace)]
    public SoTimeZone? TimeZone;
}

[MessageContract(WrapperName = "GetChatPresence", WrapperNamespace = Services86.Namespace, IsWrapped = true)]
public sealed class GetChatPresenceRequest : ChatRequestHeaders
{
}

[MessageContract(WrapperName = "GetChatPresenceResponse", WrapperNamespace = Services86.Namespace, IsWrapped = true)]
public sealed class GetChatPresenceResponse : ReplyHeaders
{
    [MessageBodyMember(Namespace = Services86.Namespace, Order = 0)]
    public ChatPresence[]? Response;
}

[MessageContract(WrapperName = "SaveChatPresence", WrapperNamespace = Services86.Namespace, IsWrapped = true)]
public sealed class SaveChatPresenceRequest : ChatRequestHeaders
{
    [MessageBodyMember(Namespace = Services86.Namespace, Order = 0)]
    public ChatPresence[]? ChatPresence;
}

[MessageContract(WrapperName = "SaveChatPresenceResponse", WrapperNamespace = Services86.Namespace, IsWrapped = true)]
public sealed class SaveChatPresenceResponse : ReplyHeaders
{
}

[MessageContract(WrapperName = "IsWithinOpeningHours", WrapperNamespace = Services86.Namespace, IsWrapped = true)]
public sealed class IsWithinOpeningHoursRequest : ChatRequestHeaders
{
    [MessageBodyMember(Namespace = Services86.Namespace, Order = 0)]
    public int ChatTopicId;
}

[MessageContract(WrapperName = "IsWithinOpeningHoursResponse", WrapperNamespace = Services86.Namespace, IsWrapped = true)]
public sealed class IsWithinOpeningHoursResponse : ReplyHeaders
{
    [MessageBodyMember(Namespace = Services86.Namespace, Order = 0)]
    public bool Response;
}

[MessageContract(WrapperName = "AuthenticateUsernamePassword", WrapperNamespace = Services86.Namespace, IsWrapped = true)]
public sealed class AuthenticateUsernamePasswordRequest
{
    [MessageHeader(Namespace = Services86.Namespace)]
    public string? ApplicationToken;

    [MessageBodyMember(Namespace = Services86.Namespace, Order = 0)]
    public string? UserName;

    [MessageBodyMember(Namespace = Services86.Namespace, Order = 1)]
    public string? Password;
}

[MessageContract(WrapperName = "AuthenticateUsernamePasswordResponse", WrapperNamespace = Services86.Namespace, IsWrapped = true)]
public sealed class AuthenticateUsernamePasswordResponse : ReplyHeaders
{
    [MessageBodyMember(Namespace = Services86.Namespace, Order = 0)]
    public AuthenticateResponse? Response;
}

/// <summary>The <c>Chat</c> port type (IChatAgent on the server).</summary>
[ServiceContract(Namespace = Services86.Namespace, Name = "Chat", ConfigurationName = "Services86.Chat")]
public interface Chat
{
    [OperationContract(Action = Services86.ChatAction + "GetChatPresence", ReplyAction = Services86.ChatAction + "GetChatPresenceResponse")]
    Task<GetChatPresenceResponse> GetChatPresenceAsync(GetChatPresenceRequest request);

    [OperationContract(Action = Services86.ChatAction + "SaveChatPresence", ReplyAction = Services86.ChatAction + "SaveChatPresenceResponse")]
    Task<SaveChatPresenceResponse> SaveChatPresenceAsync(SaveChatPresenceRequest request);

    [OperationContract(Action = Services86.ChatAction + "IsWithinOpeningHours", ReplyAction = Services86.ChatAction + "IsWithinOpeningHoursResponse")]
    Task<IsWithinOpeningHoursResponse> IsWithinOpeningHoursAsync(IsWithinOpeningHoursRequest request);
}

/// <summary>The <c>SoPrincipal</c> port type.</summary>
[ServiceContract(Namespace = Services86.Namespace, Name = "SoPrincipal", ConfigurationName = "Services86.SoPrincipal")]
public interface SoPrincipal
{
    [OperationContract(
        Action = Services86.SoPrincipalAction + "AuthenticateUsernamePassword",
        ReplyAction = Services86.SoPrincipalAction + "AuthenticateUsernamePasswordResponse")]
    Task<AuthenticateUsernamePasswordResponse> AuthenticateUsernamePasswordAsync(AuthenticateUsernamePasswordRequest request);
}

// A SoapCore server for the Chat contract (wsdl/Services86-Chat.wsdl): the same users as the host, reply objects built
// per request and serialized by SoapCore with the DataContractSerializer; SoapCore's defaults except indentation
// off. A benchmark peer, not a product. Tickets are not checked: the peer measures serving the contract.
// Usage: ChatPresence.SoapCorePeer USERS.tsv PORT   (USERS.tsv from bench/make-directory.py)
using System.Runtime.Serialization;
using System.ServiceModel;
using System.ServiceModel.Channels;
using ChatPresence.SoapCorePeer;
using SoapCore;
using SoapCore.Extensibility;
using SoapCore.ServiceModel;

if (args.Length < 2)
{
    await Console.Error.WriteLineAsync("Usage: ChatPresence.SoapCorePeer USERS.tsv PORT");
    return 2;
}

ChatService.Users = User.Load(args[0]);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{args[1]}");
builder.Services.AddSoapCore();
builder.Services.AddSingleton<ChatService>();
builder.Services.AddSoapMessageInspector(new ReplyHeaders());
var app = builder.Build();
app.UseRouting();
((IEndpointRouteBuilder)app).UseSoapEndpoint<ChatService>(options =>
{
    options.Path = "/Remote/Services86/Chat.svc";
    options.EncoderOptions = [new SoapEncoderOptions { MessageVersion = MessageVersion.Soap11 }, new SoapEncoderOptions { MessageVersion = MessageVersion.Soap12WSAddressingAugust2004 }];
    options.SoapSerializer = SoapSerializer.DataContractSerializer;
    options.IndentXml = false;
});
Console.WriteLine($"SoapCore peer listening on 127.0.0.1:{args[1]} with {ChatService.Users.Count} users");
await app.RunAsync();
return 0;

namespace ChatPresence.SoapCorePeer
{
    internal static class Names
    {
        public const string Tns = "http://www.superoffice.net/ws/crm/NetServer/Services86";
    }

    public sealed record User(int Id, string DisplayName, int OngoingChats, int[] Topics)
    {
        public static IReadOnlyList<User> Load(string path) =>
            File.ReadLines(path).Where(l => l.Length > 0).Select(line =>
            {
                var f = line.Split('\t');
                var topics = f.Length > 3 && f[3].Length > 0 ? f[3].Split(',').Select(int.Parse).ToArray() : [];
                return new User(int.Parse(f[0]), f[1], int.Parse(f[2]), topics);
            }).ToArray();
    }

    [ServiceContract(Namespace = Names.Tns, Name = "Chat")]
    public interface IChat
    {
        [OperationContract(Action = Names.Tns + "/Chat/GetChatPresence", ReplyAction = Names.Tns + "/Chat/GetChatPresenceResponse")]
        [return: MessageParameter(Name = "Response")]
        ChatPresence[] GetChatPresence();
    }

    /// <summary>The contract's reply headers (ExceptionInfo, ExtraInfo nil; Succeeded; TimeZone nil), added to every reply.</summary>
    public sealed class ReplyHeaders : IMessageInspector2
    {
        public object? AfterReceiveRequest(ref Message message, ServiceDescription serviceDescription) => null;

        public void BeforeSendReply(ref Message reply, ServiceDescription serviceDescription, object correlationState)
        {
            reply.Headers.Add(MessageHeader.CreateHeader("ExceptionInfo", Names.Tns, (SoExceptionInfo?)null));
            reply.Headers.Add(MessageHeader.CreateHeader("ExtraInfo", Names.Tns, (SoExtraInfo?)null));
            reply.Headers.Add(MessageHeader.CreateHeader("Succeeded", Names.Tns, true));
            reply.Headers.Add(MessageHeader.CreateHeader("TimeZone", Names.Tns, (SoTimeZone?)null));
        }
    }

    public sealed class ChatService : IChat
    {
        public static IReadOnlyList<User> Users { get; set; } = [];

        // What the host returns to an administrator: every row updatable, Present the one writable field.
        public ChatPresence[] GetChatPresence() => Users.Select(u => new ChatPresence
            {
                TableRight = new TableRight { Mask = ETableRight.Select | ETableRight.Update, Reason = string.Empty },
                FieldProperties = new FieldPropertyDictionary
                {
                    ["UserId"] = Field(EFieldRight.Read | EFieldRight.UIHintReadOnly, "System.Int32", 0),
                    ["DisplayName"] = Field(EFieldRight.Read | EFieldRight.UIHintReadOnly, "System.String", 255),
                    ["OngoingChats"] = Field(EFieldRight.Read | EFieldRight.UIHintReadOnly, "System.Int32", 0),
                    ["Present"] = Field(EFieldRight.Read | EFieldRight.Write, "System.Boolean", 0),
                    ["ChatTopics"] = Field(EFieldRight.Read | EFieldRight.UIHintReadOnly, "System.Int32[]", 0),
                },
                UserId = u.Id,
                DisplayName = u.DisplayName,
                OngoingChats = u.OngoingChats,
                Present = false,
                ChatTopics = u.Topics,
            }).ToArray();

        private static FieldProperty Field(EFieldRight mask, string type, int length) =>
            new() { FieldRight = new FieldRight { Mask = mask, Reason = string.Empty }, FieldType = type, FieldLength = length };
    }

    [DataContract(Namespace = Names.Tns)]
    public sealed class Credentials
    {
        [DataMember(Order = 0)] public string? Ticket { get; set; }
    }

    [DataContract(Namespace = Names.Tns)]
    public sealed class SoExceptionInfo
    {
        [DataMember(Order = 0)] public string? Message { get; set; }
    }

    [DataContract(Namespace = Names.Tns)]
    public sealed class SoExtraInfo
    {
    }

    [DataContract(Namespace = Names.Tns)]
    public sealed class SoTimeZone
    {
        [DataMember(Order = 0)] public int SoTimeZoneId { get; set; }
        [DataMember(Order = 1)] public string? SoTimeZoneLocationCode { get; set; }
    }

    [DataContract(Namespace = Names.Tns)]
    public sealed class ChatPresence
    {
        [DataMember(Order = 0)] public TableRight? TableRight { get; set; }
        [DataMember(Order = 1)] public FieldPropertyDictionary? FieldProperties { get; set; }
        [DataMember(Order = 2)] public int UserId { get; set; }
        [DataMember(Order = 3)] public string? DisplayName { get; set; }
        [DataMember(Order = 4)] public int OngoingChats { get; set; }
        [DataMember(Order = 5)] public bool Present { get; set; }
        [DataMember(Order = 6)] public int[]? ChatTopics { get; set; }
    }

    [DataContract(Namespace = Names.Tns)]
    public sealed class TableRight
    {
        [DataMember(Order = 0)] public ETableRight Mask { get; set; }
        [DataMember(Order = 1)] public string? Reason { get; set; }
    }

    [Flags]
    [DataContract(Namespace = Names.Tns)]
    public enum ETableRight
    {
        [EnumMember] Select = 1,
        [EnumMember] Update = 2,
        [EnumMember] Insert = 4,
        [EnumMember] Delete = 8,
    }

    [Flags]
    [DataContract(Namespace = Names.Tns)]
    public enum EFieldRight
    {
        [EnumMember] Read = 1,
        [EnumMember] Write = 2,
        [EnumMember] UIHintMandatory = 4,
        [EnumMember] UIHintReadOnly = 8,
    }

    [CollectionDataContract(Name = "FieldPropertyDictionary", Namespace = Names.Tns, ItemName = "FieldPropertyDictionaryKeyValuePair", KeyName = "Key", ValueName = "Value")]
    public sealed class FieldPropertyDictionary : Dictionary<string, FieldProperty>
    {
    }

    [DataContract(Namespace = Names.Tns)]
    public sealed class FieldProperty
    {
        [DataMember(Order = 0)] public FieldRight? FieldRight { get; set; }
        [DataMember(Order = 1)] public string? FieldType { get; set; }
        [DataMember(Order = 2)] public int FieldLength { get; set; }
    }

    [DataContract(Namespace = Names.Tns)]
    public sealed class FieldRight
    {
        [DataMember(Order = 0)] public EFieldRight Mask { get; set; }
        [DataMember(Order = 1)] public string? Reason { get; set; }
    }
}

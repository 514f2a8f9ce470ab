using System.Buffers;
using System.Net.Http.Headers;
using System.Security;
using System.Text;
using System.Xml.Linq;

namespace ChatPresence.LoadDriver;

/// <summary>The three SOAP 1.1 calls the driver makes, as plain HTTP posts.</summary>
public sealed class SoapClient(HttpClient http, Uri baseUrl)
{
    private const string Ns = "http://www.superoffice.net/ws/crm/NetServer/Services86";
    private static readonly XNamespace T = Ns;
    private static readonly XNamespace Arrays = "http://schemas.microsoft.com/2003/10/Serialization/Arrays";

    public async Task<(string Ticket, int UserId)> LoginAsync(string login, string password, CancellationToken cancellationToken)
    {
        var reply = await PostAsync("SoPrincipal", "AuthenticateUsernamePassword", null,
            $"<t:AuthenticateUsernamePassword><t:UserName>{Escape(login)}</t:UserName><t:Password>{Escape(password)}</t:Password></t:AuthenticateUsernamePassword>",
            cancellationToken);
        var xml = XDocument.Parse(reply);
        var ticket = xml.Descendants(T + "Ticket").FirstOrDefault()?.Value;
        var userId = xml.Descendants(T + "AssociateId").FirstOrDefault()?.Value;
        if (string.IsNullOrEmpty(ticket) || userId is null)
        {
            throw new InvalidOperationException($"Login as {login} failed: {reply}");
        }

        return (ticket, int.Parse(userId));
    }

    /// <summary>True when the host acknowledged the save (HTTP 200 and <c>Succeeded=true</c>).</summary>
    public async Task<bool> SaveAsync(string ticket, int userId, bool present, CancellationToken cancellationToken)
    {
        var reply = await PostAsync("Chat", "SaveChatPresence", ticket, SaveBody(userId, present), cancellationToken);
        return reply.Contains("<t:Succeeded>true</t:Succeeded>", StringComparison.Ordinal);
    }

    private static string SaveBody(int userId, bool present) =>
        $"<t:SaveChatPresence><t:ChatPresence><t:ChatPresence><t:UserId>{userId}</t:UserId><t:Present>{(present ? "true" : "false")}</t:Present></t:ChatPresence></t:ChatPresence></t:SaveChatPresence>";

    public async Task<Dictionary<int, bool>> GetPresenceAsync(string ticket, CancellationToken cancellationToken)
    {
        var reply = await PostAsync("Chat", "GetChatPresence", ticket, "<t:GetChatPresence />", cancellationToken);
        return XDocument.Parse(reply).Descendants(T + "ChatPresence")
            .Where(e => e.Element(T + "UserId") is not null)
            .ToDictionary(e => int.Parse(e.Element(T + "UserId")!.Value), e => e.Element(T + "Present")?.Value == "true");
    }

    /// <summary>
    /// One user's Present in a GetChatPresence reply (null when the row is missing), found by scanning the text: a poller
    /// that parsed 10,000 rows per read would measure the driver, not the host.
    /// </summary>
    public async Task<bool?> GetPresenceOfAsync(string ticket, int userId, CancellationToken cancellationToken)
    {
        var reply = await PostAsync("Chat", "GetChatPresence", ticket, "<t:GetChatPresence />", cancellationToken);
        return PresenceOf(reply, userId);
    }

    private static bool? PresenceOf(string reply, int userId)
    {
        var row = reply.IndexOf($"UserId>{userId}</", StringComparison.Ordinal);
        var present = row < 0 ? -1 : reply.IndexOf("Present>", row, StringComparison.Ordinal);
        return present < 0 ? null : string.CompareOrdinal(reply, present + "Present>".Length, "true", 0, 4) == 0;
    }

    /// <summary><see cref="SaveAsync"/> blocking, for a probe on a thread of its own.</summary>
    public bool Save(string ticket, int userId, bool present) =>
        Post("Chat", "SaveChatPresence", ticket, SaveBody(userId, present)).Contains("<t:Succeeded>true</t:Succeeded>", StringComparison.Ordinal);

    /// <summary><see cref="GetPresenceOfAsync"/> blocking, for a probe on a thread of its own.</summary>
    public bool? GetPresenceOf(string ticket, int userId) =>
        PresenceOf(Post("Chat", "GetChatPresence", ticket, "<t:GetChatPresence />"), userId);

    /// <summary>
    /// A GetChatPresence read whose reply is read to its end and checked only for success (HTTP 200 and a whole
    /// envelope), never decoded: decoding a 16.8-MB reply into a string took the driver's one core, and the savers'
    /// replies then waited behind it in the driver (seconds, seen with 1 host, whose polls come back fastest).
    /// </summary>
    public async Task ReadPresenceAsync(string ticket, CancellationToken cancellationToken)
    {
        using var request = Request("Chat", "GetChatPresence", ticket, "<t:GetChatPresence />");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GetChatPresence: HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var tail = new byte[32];
        var tailLength = 0;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                tailLength = KeepTail(tail, tailLength, buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (!tail.AsSpan(0, tailLength).TrimEnd("\r\n "u8).EndsWith("Envelope>"u8))
        {
            throw new HttpRequestException("GetChatPresence: the reply does not end with its envelope");
        }
    }

    /// <summary>The last bytes seen so far, in <paramref name="tail"/>: its new length.</summary>
    private static int KeepTail(byte[] tail, int length, ReadOnlySpan<byte> read)
    {
        if (read.Length >= tail.Length)
        {
            read[^tail.Length..].CopyTo(tail);
            return tail.Length;
        }

        var keep = Math.Min(length, tail.Length - read.Length);
        tail.AsSpan(length - keep, keep).CopyTo(tail);
        read.CopyTo(tail.AsSpan(keep));
        return keep + read.Length;
    }

    private async Task<string> PostAsync(string service, string operation, string? ticket, string body, CancellationToken cancellationToken)
    {
        using var request = Request(service, operation, ticket, body);
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode ? text : throw new HttpRequestException($"{operation}: HTTP {(int)response.StatusCode}: {text}");
    }

    private string Post(string service, string operation, string? ticket, string body)
    {
        using var request = Request(service, operation, ticket, body);
        using var response = http.Send(request);
        using var reader = new StreamReader(response.Content.ReadAsStream());
        var text = reader.ReadToEnd();
        return response.IsSuccessStatusCode ? text : throw new HttpRequestException($"{operation}: HTTP {(int)response.StatusCode}: {text}");
    }

    private HttpRequestMessage Request(string service, string operation, string? ticket, string body)
    {
        var credentials = ticket is null ? string.Empty : $"<t:Credentials><t:Ticket>{Escape(ticket)}</t:Ticket></t:Credentials>";
        var envelope = $"<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:t=\"{Ns}\" xmlns:b=\"{Arrays}\"><s:Header>{credentials}</s:Header><s:Body>{body}</s:Body></s:Envelope>";
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, $"Remote/Services86/{service}.svc"))
        {
            Content = new StringContent(envelope, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/xml; charset=utf-8");
        request.Headers.TryAddWithoutValidation("SOAPAction", $"\"{Ns}/{service}/{operation}\"");
        return request;
    }

    private static string Escape(string text) => SecurityElement.Escape(text);
}

namespace ChatPresence.Soap;

/// <summary>SOAP 1.1 or SOAP 1.2: the envelope namespace, the media type and the fault code names.</summary>
public sealed class SoapVersion
{
    public static readonly SoapVersion Soap11 = new(
        "1.1", "http://schemas.xmlsoap.org/soap/envelope/", "text/xml; charset=utf-8", "Client", "Server");

    public static readonly SoapVersion Soap12 = new(
        "1.2", "http://www.w3.org/2003/05/soap-envelope", "application/soap+xml; charset=utf-8", "Sender", "Receiver");

    private SoapVersion(string name, string envelopeNamespace, string contentType, string senderCode, string receiverCode)
    {
        Name = name;
        EnvelopeNamespace = envelopeNamespace;
        ContentType = contentType;
        SenderCode = senderCode;
        ReceiverCode = receiverCode;
    }

    public string Name { get; }

    public string EnvelopeNamespace { get; }

    /// <summary>The Content-Type of replies in this version.</summary>
    public string ContentType { get; }

    public string SenderCode { get; }

    public string ReceiverCode { get; }

    public bool Is12 => ReferenceEquals(this, Soap12);

    /// <summary>
    /// The version a request's Content-Type asks for (<c>text/xml</c> is 1.1, <c>application/soap+xml</c> is 1.2),
    /// with the 1.2 <c>action</c> parameter; null when the media type is missing or neither.
    /// </summary>
    public static SoapVersion? FromContentType(string? contentType, out ReadOnlySpan<char> action)
    {
        action = default;
        if (string.IsNullOrEmpty(contentType))
        {
            return null;
        }

        var rest = contentType.AsSpan();
        var semicolon = rest.IndexOf(';');
        var mediaType = (semicolon < 0 ? rest : rest[..semicolon]).Trim();
        SoapVersion version;
        if (mediaType.Equals("text/xml", StringComparison.OrdinalIgnoreCase))
        {
            version = Soap11;
        }
        else if (mediaType.Equals("application/soap+xml", StringComparison.OrdinalIgnoreCase))
        {
            version = Soap12;
        }
        else
        {
            return null;
        }

        while (semicolon >= 0)
        {
            rest = rest[(semicolon + 1)..];
            semicolon = rest.IndexOf(';');
            var parameter = (semicolon < 0 ? rest : rest[..semicolon]).Trim();
            var equals = parameter.IndexOf('=');
            if (equals > 0 && parameter[..equals].Trim().Equals("action", StringComparison.OrdinalIgnoreCase))
            {
                action = Unquote(parameter[(equals + 1)..]);
            }
        }

        return version;
    }

    /// <summary>Strips surrounding whitespace and one pair of double quotes.</summary>
    public static ReadOnlySpan<char> Unquote(ReadOnlySpan<char> value)
    {
        value = value.Trim();
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            value = value[1..^1];
        }

        return value;
    }

    public override string ToString() => "SOAP " + Name;
}

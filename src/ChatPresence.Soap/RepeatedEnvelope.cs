using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace ChatPresence.Soap;

/// <summary>
/// The last envelope read on an HTTP/1.x connection, with what it was read as. A polling client (a generated proxy
/// calling GetChatPresence every few seconds with the same ticket) sends the same bytes again and again; comparing
/// them costs far less than parsing them. Only byte-identical envelopes read the same way (same reader, SOAP version,
/// service and HTTP action) reuse the result, so every answer is what a fresh read would give. Kept only for
/// GetChatPresence and IsWithinOpeningHours: no password, nothing a caller could change later; and only per
/// connection, so it goes with the connection and never crosses to another client.
/// </summary>
internal sealed class RepeatedEnvelope
{
    private const int MaxBytes = 4096;
    private static readonly object Key = new();

    private readonly byte[] bytes;
    private readonly SoapEnvelopeReader reader;
    private readonly SoapVersion version;
    private readonly SoapService service;
    private readonly SoapOperation httpOperation;
    private readonly SoapRequest request;

    private RepeatedEnvelope(ReadOnlySpan<byte> bytes, SoapEnvelopeReader reader, SoapVersion version, SoapService service, SoapOperation httpOperation, SoapRequest request)
    {
        this.bytes = bytes.ToArray();
        this.reader = reader;
        this.version = version;
        this.service = service;
        this.httpOperation = httpOperation;
        this.request = request;
    }

    /// <summary>Reads <paramref name="body"/>, or gives the result of the same read of the same bytes on this connection.</summary>
    public static SoapRequest Read(HttpContext context, SoapEnvelopeReader reader, PooledBufferStream body, SoapVersion version, SoapService service, SoapOperation httpOperation)
    {
        // HTTP/2 and HTTP/3 run requests of one connection concurrently: nothing is kept there.
        var items = HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol)
            ? context.Features.Get<IConnectionItemsFeature>()?.Items
            : null;
        if (items is not null && items.TryGetValue(Key, out var value) && value is RepeatedEnvelope last
            && ReferenceEquals(last.reader, reader) && last.version == version && last.service == service && last.httpOperation == httpOperation
            && body.WrittenSpan.SequenceEqual(last.bytes))
        {
            return last.request;
        }

        var request = reader.Read(body, version, service, httpOperation);
        if (items is not null)
        {
            if (request.Operation is SoapOperation.GetChatPresence or SoapOperation.IsWithinOpeningHours && body.Length <= MaxBytes)
            {
                items[Key] = new RepeatedEnvelope(body.WrittenSpan, reader, version, service, httpOperation, request);
            }
            else
            {
                items.Remove(Key);
            }
        }

        return request;
    }
}

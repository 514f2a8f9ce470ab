using System.Text;
using ChatPresence.Soap;

namespace ChatPresence.Bench;

/// <summary>SOAP request envelopes as clients send them (the shapes of samples/soap), with a realistic ticket.</summary>
public static class Requests
{
    public const string Ticket = "7T:q5cJZ0m7bQk1nN2Yx8V4zT3rW6uP9sL0aD2fG4hJ6kE=";

    public static byte[] Envelope(SoapOperation operation, SoapVersion version)
    {
        var body = operation switch
        {
            SoapOperation.GetChatPresence => "<t:GetChatPresence />",
            SoapOperation.SaveChatPresence =>
                """
                <t:SaveChatPresence>
                      <t:ChatPresence>
                        <t:ChatPresence>
                          <t:UserId>7</t:UserId>
                          <t:Present>true</t:Present>
                        </t:ChatPresence>
                      </t:ChatPresence>
                    </t:SaveChatPresence>
                """,
            _ => throw new ArgumentOutOfRangeException(nameof(operation)),
        };

        return Encoding.UTF8.GetBytes(
            $"""
            <s:Envelope xmlns:s="{version.EnvelopeNamespace}" xmlns:t="http://www.superoffice.net/ws/crm/NetServer/Services86">
              <s:Header>
                <t:ApplicationToken>1234567-1234-9876</t:ApplicationToken>
                <t:Credentials>
                  <t:Ticket>{Ticket}</t:Ticket>
                </t:Credentials>
              </s:Header>
              <s:Body>
                {body}
              </s:Body>
            </s:Envelope>
            """);
    }

    /// <summary>A request body as the endpoint holds it: in a pooled buffer, positioned at the start.</summary>
    public static PooledBufferStream Buffered(byte[] envelope)
    {
        var stream = new PooledBufferStream(envelope.Length);
        stream.Write(envelope);
        stream.Position = 0;
        return stream;
    }
}

using ChatPresence.Soap.Tests.Infrastructure;
using CsCheck;

namespace ChatPresence.Soap.Tests;

/// <summary>
/// Accept-Encoding is untrusted input: for any value (well-formed, odd or junk) GetChatPresence answers 200 in a coding
/// the value offered (or identity), decoding to exactly the identity bytes; the host keeps serving.
/// </summary>
public sealed class AcceptEncodingPropertyTests
{
    private static readonly Gen<string> Coding = Gen.OneOf(
        Gen.OneOf("gzip", "GZIP", "x-gzip", "br", "Br", "identity", "*", "deflate", "compress", "zstd", ""),
        Gen.String["abcdefgiprxz*-;=. \t"]);

    private static readonly Gen<string> Weight = Gen.OneOf(
        Gen.OneOf(string.Empty, ";q=0", ";q=1", ";q=0.5", ";Q=0.001", ";q=1.0", ";q=2", ";q=-1", ";q=", ";q=abc", "; q=0.3", ";level=1", ";q=0;q=1"),
        Gen.String["q=0.123456789;, "]);

    private static readonly Gen<string> Header = Gen.Select(
        Gen.Select(Coding, Weight, (c, w) => c + w).Array[0, 6],
        Gen.OneOf(",", ", ", " ,", ",,"),
        (items, separator) => string.Join(separator, items));

    [Fact]
    public async Task Any_accept_encoding_gets_an_offered_coding_that_decodes_to_the_identity_bytes()
    {
        await using var server = await SoapTestDirectory.StartHostAsync(s => s["ChatPresence:Soap:CompressionMinimumBytes"] = "0");
        using var client = server.CreateClient();
        var ticket = await SoapMessages.LoginAsync(client, "admin", "admin");
        var identity = await CompressionTests.GetPresenceRawAsync(server, soap12: false, acceptEncoding: null, ticket);

        await Header.SampleAsync(
            async header =>
            {
                var reply = await CompressionTests.GetPresenceRawAsync(server, soap12: false, header, ticket);
                Assert.Equal(identity.Body, CompressionTests.Decode(reply.Body, reply.ContentEncoding));
                switch (reply.ContentEncoding)
                {
                    case null:
                        break;
                    case "gzip":
                        Assert.True(Offers(header, "gzip") || Offers(header, "*"), header);
                        break;
                    case "br":
                        Assert.True(Offers(header, "br") || Offers(header, "*"), header);
                        break;
                    default:
                        Assert.Fail($"{reply.ContentEncoding} for '{header}'");
                        break;
                }
            },
            iter: 150,
            threads: 1);

        // Still serving, and still plain for a client that asks for nothing.
        var after = await CompressionTests.GetPresenceRawAsync(server, soap12: false, acceptEncoding: null, ticket);
        Assert.Equal(identity.Body, after.Body);
    }

    private static bool Offers(string header, string coding) => header.Contains(coding, StringComparison.OrdinalIgnoreCase);
}

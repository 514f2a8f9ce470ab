using BenchmarkDotNet.Attributes;
using ChatPresence.Contract.Rights;
using ChatPresence.Domain.Presence;
using ChatPresence.Rest.Formatting;
using ChatPresence.Soap;

namespace ChatPresence.Bench;

/// <summary>Reading a request envelope: what every SOAP call pays before it reaches an operation.</summary>
[MemoryDiagnoser]
public class EnvelopeReadBenchmarks
{
    private readonly SoapEnvelopeReader reader = new(new SoapOptions());
    private PooledBufferStream body = null!;
    private SoapVersion version = null!;

    [Params(SoapOperation.GetChatPresence, SoapOperation.SaveChatPresence)]
    public SoapOperation Operation { get; set; }

    [Params("1.1", "1.2")]
    public string Soap { get; set; } = "1.1";

    [GlobalSetup]
    public void Setup()
    {
        version = Soap == "1.2" ? SoapVersion.Soap12 : SoapVersion.Soap11;
        body = Requests.Buffered(Requests.Envelope(Operation, version));
    }

    [GlobalCleanup]
    public void Cleanup() => body.Dispose();

    [Benchmark]
    public SoapRequest Read()
    {
        body.Position = 0;
        return reader.Read(body, version, SoapService.Chat, Operation);
    }
}

/// <summary>
/// Writing a GetChatPresence reply with no reply cache (a cold read once the list is built, as a host with
/// <c>ReplyCacheEntries=0</c> does it): <c>Afresh</c> encodes every row, <c>ReusingRows</c> (the default) copies the
/// kept rows of the list's rights view and encodes the caller's own row.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class SoapReplyBenchmarks
{
    private PresenceList list = null!;
    private RowFragmentCache fragments = null!;

    [Params(50, 5000)]
    public int Users { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        list = PresenceLists.For(Users);
        fragments = ColdReply.NewFragments();
    }

    [Benchmark(Baseline = true)]
    public long Afresh() => ColdReply.WriteSoap(list, fragments: null);

    /// <summary>Kept rows copied into one reply buffer (what a compressed reply is made from).</summary>
    [Benchmark]
    public long ReusingRows() => ColdReply.WriteSoap(list, fragments);

    /// <summary>What the endpoint does with the reply cache off (identity): the pieces, sent as they are.</summary>
    [Benchmark]
    public long ReusingRowsAsPieces() => ColdReply.WritePieces(list, fragments);
}

/// <summary>
/// The cold reply after a save that changed one row: every write alternates between two data versions that differ in
/// one user's presence (each built as a new directory view, as after a save), so with kept rows one row is encoded,
/// the rest copied, and the view's kept rows made anew (the worst case: a save before every read);
/// <c>Afresh</c> encodes every row.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class SoapColdAfterSaveBenchmarks
{
    private readonly PresenceList[] versions = new PresenceList[2];
    private RowFragmentCache fragments = null!;
    private int next;

    [Params(50, 5000)]
    public int Users { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        versions[0] = PresenceLists.For(Users);
        versions[1] = PresenceLists.For(Users, flippedUser: 3, changeStamp: 43);
        fragments = ColdReply.NewFragments();
    }

    [Benchmark(Baseline = true)]
    public long Afresh() => ColdReply.WriteSoap(versions[next++ & 1], fragments: null);

    [Benchmark]
    public long ReusingRows() => ColdReply.WriteSoap(versions[next++ & 1], fragments);

    [Benchmark]
    public long ReusingRowsAsPieces() => ColdReply.WritePieces(versions[next++ & 1], fragments);
}

/// <summary>Writing the REST GetAll reply body (JSON) that the reply cache then keeps.</summary>
[MemoryDiagnoser]
public class RestReplyBenchmarks
{
    private PresenceList list = null!;

    [Params(50, 5000)]
    public int Users { get; set; }

    [GlobalSetup]
    public void Setup() => list = PresenceLists.For(Users);

    [Benchmark]
    public int WriteGetAllJson() => PresenceJson.Serialize(list.Items, ReplyRights.For(list.Language), Selection.All).Length;
}

/// <summary>The work the SOAP endpoint does for a GetChatPresence reply when no cached reply is used.</summary>
public static class ColdReply
{
    private static readonly RowFragmentCache Shared = NewFragments();

    /// <summary>Kept rows with the endpoint's default budget.</summary>
    internal static RowFragmentCache NewFragments() => new(new SoapOptions().RowFragmentCacheBytes);

    /// <summary>As the endpoint writes it by default with the reply cache off (kept rows on, sent as pieces).</summary>
    public static long WriteSoap(PresenceList list) => WritePieces(list, Shared);

    internal static long WritePieces(PresenceList list, RowFragmentCache? fragments)
    {
        if (fragments is not { IsEnabled: true })
        {
            return WriteSoap(list, fragments: null);
        }

        using var pieces = new ReplyPieces();
        GetChatPresenceReply.Write(pieces, SoapVersion.Soap11, default, list, fragments);
        return pieces.Length;
    }

    internal static long WriteSoap(PresenceList list, RowFragmentCache? fragments)
    {
        using var reply = new PooledBufferStream(1024);
        GetChatPresenceReply.Write(reply, SoapVersion.Soap11, default, list, fragments is { IsEnabled: true } ? fragments : null);
        return reply.Length;
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ChatPresence.Domain.Telemetry;

/// <summary>
/// The service's own instruments, on one <see cref="Meter"/> named after the service. Names and units follow the
/// OpenTelemetry semantic conventions (dotted lower-case names under <c>chatpresence.</c>, UCUM units, attributes
/// under <c>chatpresence.</c>); the README lists them. Static instruments and stack-only <see cref="TagList"/>s, so a
/// measurement allocates nothing; with no listener an instrument call is a flag check.
/// </summary>
public static class ChatPresenceMetrics
{
    public const string MeterName = "ChatPresence";

    private static readonly Meter Meter = new(MeterName, typeof(ChatPresenceMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> Requests = Meter.CreateCounter<long>(
        "chatpresence.requests", "{request}", "Calls answered, by facade (soap, rest), operation and outcome (ok or the failure reason).");

    private static readonly Counter<long> PresenceReads = Meter.CreateCounter<long>(
        "chatpresence.presence.reads", "{read}", "GetChatPresence/GetAll replies, by facade and source: cache (a stored reply body) or built.");

    private static readonly Histogram<long> ReplySize = Meter.CreateHistogram<long>(
        "chatpresence.reply.size", "By", "Size of GetChatPresence/GetAll reply bodies, by facade.",
        // Powers of four from 1 KB to 64 MB: a 50-user reply is ~84 KB, a 5,000-user one ~8.4 MB (the defaults stop at 10 KB).
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1 << 10, 1 << 12, 1 << 14, 1 << 16, 1 << 18, 1 << 20, 1 << 22, 1 << 24, 1 << 26] });

    private static readonly Counter<long> Saves = Meter.CreateCounter<long>(
        "chatpresence.saves", "{save}", "SaveChatPresence/SaveAll calls, by outcome: acknowledged (committed) or the reason refused.");

    private static readonly Histogram<int> SaveBatchSize = Meter.CreateHistogram<int>(
        "chatpresence.save.batch.size", "{presence}", "Presences written by one acknowledged save.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 1024] });

    private static readonly Histogram<double> SaveDuration = Meter.CreateHistogram<double>(
        "chatpresence.save.duration", "s", "From handing a save to the store until its commit is durable (group commit included).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

    private static readonly Counter<long> TicketsIssued = Meter.CreateCounter<long>(
        "chatpresence.tickets.issued", "{ticket}", "Tickets issued by logins.");

    private static readonly Counter<long> TicketsRevoked = Meter.CreateCounter<long>(
        "chatpresence.tickets.revoked", "{ticket}", "Tickets revoked (logout, revoke-tickets).");

    private static readonly Counter<long> CredentialsRefused = Meter.CreateCounter<long>(
        "chatpresence.credentials.refused", "{credential}", "Credentials and logins refused, by reason (NotAuthenticated, ApplicationTokenRequired, Throttled).");

    private static readonly Counter<long> ThrottleLocks = Meter.CreateCounter<long>(
        "chatpresence.login.throttle.locks", "{lock}", "Wrong passwords that locked a login or client address.");

    private static readonly UpDownCounter<long> PresenceStreams = Meter.CreateUpDownCounter<long>(
        "chatpresence.presence.streams", "{stream}", "Presence streams (server-sent events) open now.");

    private static readonly Counter<long> DirectoryChanges = Meter.CreateCounter<long>(
        "chatpresence.directory.changes", "{change}", "Changes applied to the in-memory directory view, by kind: delta (saved presence applied) or reload (the directory read again).");

    public static void Request(string facade, string operation, string outcome)
    {
        if (Requests.Enabled)
        {
            Requests.Add(1, new TagList { { "chatpresence.facade", facade }, { "chatpresence.operation", operation }, { "chatpresence.outcome", outcome } });
        }
    }

    public static void PresenceRead(string facade, bool fromCache, long replyBytes)
    {
        if (PresenceReads.Enabled)
        {
            PresenceReads.Add(1, new TagList { { "chatpresence.facade", facade }, { "chatpresence.source", fromCache ? "cache" : "built" } });
        }

        if (ReplySize.Enabled)
        {
            ReplySize.Record(replyBytes, new TagList { { "chatpresence.facade", facade } });
        }
    }

    public static void SaveAcknowledged(int presences, long startTimestamp)
    {
        Saves.Add(1, new TagList { { "chatpresence.outcome", "acknowledged" } });
        SaveBatchSize.Record(presences);
        SaveDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds);
    }

    /// <summary>Counts a refused save; returns false, for use in an exception filter (the exception goes on).</summary>
    public static bool SaveRefused(FailureReason reason)
    {
        Saves.Add(1, new TagList { { "chatpresence.outcome", ReasonName(reason) } });
        return false;
    }

    public static void TicketIssued() => TicketsIssued.Add(1);

    public static void TicketsWereRevoked(int count)
    {
        if (count > 0)
        {
            TicketsRevoked.Add(count);
        }
    }

    /// <summary>Counts a refused credential; returns false, for use in an exception filter.</summary>
    public static bool CredentialRefused(FailureReason reason)
    {
        CredentialsRefused.Add(1, new TagList { { "chatpresence.reason", ReasonName(reason) } });
        return false;
    }

    public static void ThrottleLocked() => ThrottleLocks.Add(1);

    /// <summary>Presence streams opened (positive) or closed (negative).</summary>
    public static void PresenceStreamsOpened(int count) => PresenceStreams.Add(count);

    /// <summary>A new directory view replaced the previous one: by applying saved presence (a delta) or by reloading.</summary>
    public static void DirectoryChangeApplied(bool delta) =>
        DirectoryChanges.Add(1, new TagList { { "chatpresence.change.kind", delta ? "delta" : "reload" } });

    /// <summary>The outcome attribute for a failure: the reason's name, without allocating per call.</summary>
    public static string ReasonName(FailureReason reason) => reason switch
    {
        FailureReason.NotAuthenticated => nameof(FailureReason.NotAuthenticated),
        FailureReason.ApplicationTokenRequired => nameof(FailureReason.ApplicationTokenRequired),
        FailureReason.Throttled => nameof(FailureReason.Throttled),
        FailureReason.Forbidden => nameof(FailureReason.Forbidden),
        FailureReason.InvalidRequest => nameof(FailureReason.InvalidRequest),
        FailureReason.UnknownTopic => nameof(FailureReason.UnknownTopic),
        FailureReason.UnknownUser => nameof(FailureReason.UnknownUser),
        _ => reason.ToString(),
    };
}

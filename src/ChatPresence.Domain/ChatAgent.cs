using System.Diagnostics;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Live;
using ChatPresence.Domain.Presence;
using ChatPresence.Domain.Telemetry;
using ChatPresence.Domain.Text;

namespace ChatPresence.Domain;

/// <summary>
/// The one implementation of the chat agent rules (the contract's presence semantics, as the README describes them). A save nudges the live
/// <paramref name="feed"/> (when there is one), so open streams see it without waiting for the next poll.
/// </summary>
public sealed class ChatAgent(DirectoryCache directory, IChatDirectoryStore store, TimeProvider clock, PresenceFeed? feed = null) : IChatAgent
{
    public async ValueTask<PresenceList> GetChatPresenceAsync(Caller caller, CancellationToken cancellationToken)
    {
        var view = await directory.GetAsync(cancellationToken);
        return view.ListFor(RequireUser(view, caller), caller.Language);
    }

    public async Task SaveChatPresenceAsync(Caller caller, IReadOnlyList<PresenceUpdate> presences, CancellationToken cancellationToken)
    {
        try
        {
            await SaveAsync(caller, presences, cancellationToken);
        }
        catch (ChatPresenceException e) when (ChatPresenceMetrics.SaveRefused(e.Reason))
        {
            throw; // not reached: the filter only counts
        }
    }

    private async Task SaveAsync(Caller caller, IReadOnlyList<PresenceUpdate> presences, CancellationToken cancellationToken)
    {
        var view = await directory.GetAsync(cancellationToken);
        var save = PresenceSave.Decide(view, RequireUser(view, caller), presences, caller.Language);
        if (save.Count == 0)
        {
            return;
        }

        try
        {
            var started = Stopwatch.GetTimestamp();
            await store.SavePresenceAsync(save, cancellationToken);
            ChatPresenceMetrics.SaveAcknowledged(save.Count, started);
            feed?.Nudge();
        }
        catch (UnknownChatUserException e)
        {
            // The directory changed between the check above and the write.
            throw PresenceSave.UnknownUser(caller.Language, e.UserId);
        }
        catch (StoreUnavailableException e)
        {
            throw e.ToRefusal(caller.Language);
        }

        await SeeOwnWriteAsync(cancellationToken);
    }

    /// <summary>
    /// The save is committed: bring this host's view up to date before acknowledging, so the caller's next read here
    /// shows it. If that fails (the database went away just now) the save still stands and the change feed catches up.
    /// </summary>
    private async Task SeeOwnWriteAsync(CancellationToken cancellationToken)
    {
        if (!directory.FollowsChangeLog)
        {
            // SQLite: the next read sees the moved stamp and reloads once for all saves since (no reload per save).
            return;
        }

        try
        {
            await directory.RefreshAsync(cancellationToken);
        }
        catch (StoreUnavailableException)
        {
            // Acknowledged anyway: it is durable, and the view follows once the database answers again.
        }
    }

    public async Task<bool> IsWithinOpeningHoursAsync(Caller caller, int chatTopicId, CancellationToken cancellationToken)
    {
        var view = await directory.GetAsync(cancellationToken);
        RequireUser(view, caller);
        var topic = view.FindTopic(chatTopicId)
            ?? throw ChatPresenceException.Create(FailureReason.UnknownTopic, caller.Language, TextId.UnknownChatTopic, chatTopicId);
        return topic.OpeningHours.IsOpenAt(clock.GetUtcNow());
    }

    private static ChatUser RequireUser(DirectoryView view, Caller caller) =>
        view.FindUser(caller.UserId)
        ?? throw ChatPresenceException.Create(FailureReason.NotAuthenticated, caller.Language, TextId.NotAuthenticated);
}

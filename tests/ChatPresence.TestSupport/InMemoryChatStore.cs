using ChatPresence.Domain;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Presence;

namespace ChatPresence.Tests;

/// <summary>
/// The directory, presence, passwords and tickets in memory, behind the Domain's store interfaces
/// (<see cref="IChatDirectoryStore"/>, <see cref="ICredentialStore"/>), for tests of Domain and of a facade that
/// need no database. It keeps what the interfaces promise and the real stores also keep (checked against both by
/// Storage.Tests' contract tests): a save naming a user without chat access changes nothing, the change stamp moves
/// with every change, passwords and tickets belong to existing users, a later save of the same user wins.
/// </summary>
public sealed class InMemoryChatStore(ChatDirectory? directory = null) : IChatDirectoryStore, ICredentialStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<int, bool> presence = [];
    private readonly Dictionary<int, StoredPassword> passwords = [];
    private readonly Dictionary<string, StoredTicket> tickets = [];
    private ChatDirectory directory = directory ?? new ChatDirectory([], [], [], new Dictionary<int, int>());
    private long stamp = 1;

    public ValueTask<long> GetChangeStampAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Interlocked.Read(ref stamp));

    public Task<DirectorySnapshot> LoadAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(new DirectorySnapshot(stamp, directory, new Dictionary<int, bool>(presence)));
        }
    }

    public Task SavePresenceAsync(PresenceSave updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        lock (gate)
        {
            foreach (var update in updates)
            {
                if (!directory.Users.Any(u => u.Id == update.UserId && u.ChatAccess))
                {
                    throw new UnknownChatUserException(update.UserId);
                }
            }

            foreach (var update in updates)
            {
                presence[update.UserId] = update.Present;
            }

            Interlocked.Increment(ref stamp);
        }

        return Task.CompletedTask;
    }

    /// <summary>Replaces the directory; presence, passwords and tickets of users no longer in it go with them.</summary>
    public Task ImportAsync(ChatDirectory newDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(newDirectory);
        lock (gate)
        {
            directory = newDirectory;
            var kept = newDirectory.Users.Select(u => u.Id).ToHashSet();
            foreach (var gone in presence.Keys.Where(id => !kept.Contains(id)).ToList())
            {
                presence.Remove(gone);
            }

            foreach (var gone in passwords.Keys.Where(id => !kept.Contains(id)).ToList())
            {
                passwords.Remove(gone);
            }

            foreach (var gone in tickets.Where(t => !kept.Contains(t.Value.UserId)).Select(t => t.Key).ToList())
            {
                tickets.Remove(gone);
            }

            Interlocked.Increment(ref stamp);
        }

        return Task.CompletedTask;
    }

    public Task<bool> IsEmptyAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(directory.Users.Count == 0);
        }
    }

    public Task<StoredPassword?> GetPasswordAsync(int userId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(passwords.GetValueOrDefault(userId));
        }
    }

    public Task SetPasswordAsync(int userId, StoredPassword password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        lock (gate)
        {
            RequireUser(userId);
            passwords[userId] = password with { Salt = password.Salt.ToArray(), Hash = password.Hash.ToArray() };
        }

        return Task.CompletedTask;
    }

    public Task AddTicketAsync(StoredTicket ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        lock (gate)
        {
            RequireUser(ticket.UserId);
            tickets[Convert.ToHexString(ticket.TicketHash)] = ticket;
        }

        return Task.CompletedTask;
    }

    public Task<StoredTicket?> FindTicketAsync(byte[] ticketHash, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(tickets.GetValueOrDefault(Convert.ToHexString(ticketHash)));
        }
    }

    public Task TouchTicketsAsync(IReadOnlyList<TicketUse> uses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uses);
        lock (gate)
        {
            foreach (var use in uses)
            {
                var key = Convert.ToHexString(use.TicketHash);
                if (tickets.TryGetValue(key, out var ticket) && use.LastUsed > ticket.LastUsed)
                {
                    tickets[key] = ticket with { LastUsed = use.LastUsed };
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<int> RevokeTicketsAsync(int userId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var keys = tickets.Where(t => t.Value.UserId == userId).Select(t => t.Key).ToList();
            keys.ForEach(k => tickets.Remove(k));
            return Task.FromResult(keys.Count);
        }
    }

    public Task<bool> RevokeTicketAsync(byte[] ticketHash, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(tickets.Remove(Convert.ToHexString(ticketHash)));
        }
    }

    private void RequireUser(int userId)
    {
        if (!directory.Users.Any(u => u.Id == userId))
        {
            throw new ArgumentException($"There is no user {userId}.", nameof(userId));
        }
    }
}

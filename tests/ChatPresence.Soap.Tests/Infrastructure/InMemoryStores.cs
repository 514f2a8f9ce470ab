using ChatPresence.Domain;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Presence;

namespace ChatPresence.Soap.Tests.Infrastructure;

/// <summary>An in-memory directory store: enough for the SOAP adapter's tests (the real stores have their own).</summary>
public sealed class InMemoryDirectoryStore(ChatDirectory directory) : IChatDirectoryStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<int, bool> presence = [];
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

    public Task ImportAsync(ChatDirectory newDirectory, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> IsEmptyAsync(CancellationToken cancellationToken) => Task.FromResult(directory.Users.Count == 0);
}

public sealed class InMemoryCredentialStore : ICredentialStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<int, StoredPassword> passwords = [];
    private readonly Dictionary<string, StoredTicket> tickets = [];

    public Task<StoredPassword?> GetPasswordAsync(int userId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(passwords.GetValueOrDefault(userId));
        }
    }

    public Task SetPasswordAsync(int userId, StoredPassword password, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            passwords[userId] = password;
        }

        return Task.CompletedTask;
    }

    public Task AddTicketAsync(StoredTicket ticket, CancellationToken cancellationToken)
    {
        lock (gate)
        {
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

    public Task TouchTicketAsync(byte[] ticketHash, DateTimeOffset lastUsed, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var key = Convert.ToHexString(ticketHash);
            if (tickets.TryGetValue(key, out var ticket))
            {
                tickets[key] = ticket with { LastUsed = lastUsed };
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
}

namespace ChatPresence.Domain.Identity;

/// <summary>A password as stored: never the password itself.</summary>
public sealed record StoredPassword(string Algorithm, int Iterations, byte[] Salt, byte[] Hash);

/// <summary>A ticket as stored: only a hash of the ticket text.</summary>
public sealed record StoredTicket(byte[] TicketHash, int UserId, DateTimeOffset Created, DateTimeOffset LastUsed);

/// <summary>A ticket's last use, as a host writes it back (sliding expiry).</summary>
public sealed record TicketUse(byte[] TicketHash, DateTimeOffset LastUsed);

/// <summary>Passwords and tickets. Lives in the same database as the directory.</summary>
public interface ICredentialStore
{
    Task<StoredPassword?> GetPasswordAsync(int userId, CancellationToken cancellationToken);

    Task SetPasswordAsync(int userId, StoredPassword password, CancellationToken cancellationToken);

    Task AddTicketAsync(StoredTicket ticket, CancellationToken cancellationToken);

    Task<StoredTicket?> FindTicketAsync(byte[] ticketHash, CancellationToken cancellationToken);

    /// <summary>
    /// Records uses of tickets (sliding expiry), all in one call; a use older than the one stored leaves it as it is,
    /// and a ticket no longer there is skipped.
    /// </summary>
    Task TouchTicketsAsync(IReadOnlyList<TicketUse> uses, CancellationToken cancellationToken);

    /// <summary>Removes every ticket of the user; returns how many there were.</summary>
    Task<int> RevokeTicketsAsync(int userId, CancellationToken cancellationToken);

    /// <summary>Removes one ticket (a logout); false when it was not there.</summary>
    Task<bool> RevokeTicketAsync(byte[] ticketHash, CancellationToken cancellationToken);
}

namespace ChatPresence.Domain.Identity;

/// <summary>Settings of <see cref="TicketAuthority"/> (configuration section ChatPresence:Identity).</summary>
public sealed class IdentityOptions
{
    /// <summary>A ticket unused for this long expires (sliding).</summary>
    public TimeSpan TicketIdleTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>PBKDF2 iterations for newly set passwords.</summary>
    public int PasswordIterations { get; set; } = PasswordHasher.DefaultIterations;
}

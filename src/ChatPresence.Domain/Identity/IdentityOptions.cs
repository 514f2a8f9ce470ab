using System.ComponentModel.DataAnnotations;

namespace ChatPresence.Domain.Identity;

/// <summary>Settings of <see cref="TicketAuthority"/> (configuration section ChatPresence:Identity).</summary>
public sealed class IdentityOptions
{
    /// <summary>A ticket unused for this long expires (sliding).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "3650.00:00:00")]
    public TimeSpan TicketIdleTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>PBKDF2 iterations for newly set passwords.</summary>
    [Range(1000, int.MaxValue)]
    public int PasswordIterations { get; set; } = PasswordHasher.DefaultIterations;
}

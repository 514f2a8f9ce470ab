using System.ComponentModel.DataAnnotations;

namespace ChatPresence.Domain.Security;

/// <summary>How the service is installed: decides which credentials are accepted.</summary>
public enum InstallationMode
{
    /// <summary>On the customer's premises: Basic allowed, application tokens ignored.</summary>
    Onsite,

    /// <summary>Hosted: an application token is required on every call, Basic is refused, SOAP accepts Bearer tokens.</summary>
    Online,
}

/// <summary>Who may call, and how (configuration: <c>ChatPresence:Mode</c> and section <c>ChatPresence:Security</c>).</summary>
public sealed class SecurityOptions
{
    [EnumDataType(typeof(InstallationMode))]
    public InstallationMode Mode { get; set; } = InstallationMode.Onsite;

    /// <summary>The registered application tokens (online mode).</summary>
    public IList<string> ApplicationTokens { get; set; } = [];

    /// <summary>Accept <c>Authorization: Basic</c> (on-site mode only; online mode always refuses it).</summary>
    public bool AllowBasic { get; set; } = true;

    /// <summary>
    /// How long a verified Basic credential is remembered (as a keyed hash, never the password), so a polling
    /// client does not pay a password hash on every call. Zero switches the memory off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan BasicCredentialLifetime { get; set; } = TimeSpan.FromSeconds(60);

    public LoginThrottleOptions LoginThrottle { get; set; } = new();
}

/// <summary>Limits on wrong passwords (see <see cref="LoginThrottle"/>).</summary>
public sealed class LoginThrottleOptions
{
    /// <summary>Wrong passwords for one login within <see cref="Window"/> before that login is locked.</summary>
    [Range(1, int.MaxValue)]
    public int FailuresPerLogin { get; set; } = 10;

    /// <summary>Wrong passwords from one client address within <see cref="Window"/> before that address is locked.</summary>
    [Range(1, int.MaxValue)]
    public int FailuresPerAddress { get; set; } = 100;

    /// <summary>Failures older than this are forgotten.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "3650.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The first lock; each further failure while over the limit doubles it, up to <see cref="Window"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "3650.00:00:00")]
    public TimeSpan Lockout { get; set; } = TimeSpan.FromSeconds(60);
}

using ChatPresence.Domain.Identity;
using ChatPresence.Host.Tenants;
using ChatPresence.Domain.Live;
using ChatPresence.Domain.Security;
using ChatPresence.Options;
using ChatPresence.Storage.Postgres;
using Microsoft.Extensions.Options;

namespace ChatPresence.Host;

/// <summary>
/// The host's settings, each bound one way: <c>AddOptions&lt;T&gt;().BindConfiguration(section)</c>, its data
/// annotations checked with the full key as the name (<see cref="KeyedOptionsValidation"/>), rules across values with
/// <c>Validate</c>, all checked when the host starts, so a bad value stops it with one line naming the key. Domain types
/// take their settings as plain objects (Domain does not know Microsoft.Extensions.Options): they get the validated value.
/// The facades bind their own (<c>ChatPresence:Soap</c>, <c>ChatPresence:Rest</c>) the same way.
/// </summary>
internal static class OptionsSetup
{
    private const string IdentitySection = $"{ChatPresenceOptions.Section}:Identity";
    private const string SecuritySection = $"{ChatPresenceOptions.Section}:Security";
    private const string ModeKey = $"{ChatPresenceOptions.Section}:Mode";

    public static IServiceCollection AddChatPresenceOptions(this IServiceCollection services)
    {
        services.AddOptions<ChatPresenceOptions>()
            .BindConfiguration(ChatPresenceOptions.Section)
            .ValidateKeys(ChatPresenceOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ChatPresenceOptions>, TenantIdValidation>();
        services.AddOptions<IdentityOptions>()
            .BindConfiguration(IdentitySection)
            .ValidateKeys(IdentitySection)
            .ValidateOnStart();
        services.AddOptions<SecurityOptions>()
            .BindConfiguration(SecuritySection)
            .Configure<IConfiguration>(ApplyMode)
            .ValidateKeys(SecuritySection)
            .Validate<IConfiguration>((o, configuration) => o.Mode != InstallationMode.Online || o.ApplicationTokens.Count > 0 || TenantRegistry.IsConfigured(configuration),
                $"{ModeKey} is Online but {SecuritySection}:ApplicationTokens is empty: no call could succeed.") // tenants: TenantRegistry checks each
            .ValidateOnStart();
        services.AddOptions<JwtOptions>()
            .BindConfiguration(JwtOptions.Section)
            .ValidateKeys(JwtOptions.Section)
            .ValidateOnStart();
        services.AddOptions<PresenceFeedOptions>()
            .BindConfiguration(PresenceFeedOptions.Section)
            .ValidateKeys(PresenceFeedOptions.Section)
            .ValidateOnStart();
        services.AddOptions<PostgresStoreOptions>()
            .BindConfiguration(PostgresStoreOptions.Section)
            .ValidateKeys(PostgresStoreOptions.Section)
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<IdentityOptions>>().Value);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<SecurityOptions>>().Value);
        return services;
    }

    /// <summary>Tenant ids are path segments and file names: refused at start, naming the keys, when they are not safe as both.</summary>
    private sealed class TenantIdValidation : IValidateOptions<ChatPresenceOptions>
    {
        public ValidateOptionsResult Validate(string? name, ChatPresenceOptions options) =>
            TenantId.Refuse(options.Tenants.Keys) is { } failure ? ValidateOptionsResult.Fail(failure) : ValidateOptionsResult.Success;
    }

    /// <summary><c>ChatPresence:Mode</c> (outside the section, as documented) decides <see cref="SecurityOptions.Mode"/>.</summary>
    private static void ApplyMode(SecurityOptions options, IConfiguration configuration)
    {
        if (configuration[ModeKey] is { Length: > 0 } mode)
        {
            options.Mode = Enum.TryParse<InstallationMode>(mode, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw new OptionsValidationException(ModeKey, typeof(SecurityOptions), [$"{ModeKey} must be Onsite or Online, not '{mode}'."]);
        }
    }
}

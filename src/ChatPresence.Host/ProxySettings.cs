using System.ComponentModel.DataAnnotations;

using System.Net;
using ChatPresence.Options;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace ChatPresence.Host;

/// <summary>
/// Which reverse proxies are trusted to say who the client is (configuration section
/// <c>ChatPresence:ForwardedHeaders</c>). Off while both lists are empty: X-Forwarded-* headers are then ignored,
/// so a client cannot choose the address the login throttle counts or the WSDL's <c>soap:address</c>.
/// </summary>
public sealed class ProxySettings
{
    public const string Section = "ChatPresence:ForwardedHeaders";

    /// <summary>Proxy addresses (e.g. <c>10.0.0.5</c>) whose X-Forwarded-For/Proto/Host/Prefix are believed.</summary>
    public IList<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR form (e.g. <c>10.0.0.0/8</c>).</summary>
    public IList<string> KnownNetworks { get; set; } = [];

    /// <summary>Host names X-Forwarded-Host may carry; empty: any.</summary>
    public IList<string> AllowedHosts { get; set; } = [];

    /// <summary>How many proxies in a chain to unwind (X-Forwarded-For entries read from the right).</summary>
    [Range(1, int.MaxValue)]
    public int ForwardLimit { get; set; } = 1;

    public bool Enabled => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    internal bool IsValid() =>
        KnownProxies.All(p => IPAddress.TryParse(p, out _))
        && KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _));

    /// <summary>ASP.NET's middleware options: only the configured proxies (its loopback defaults are dropped).</summary>
    internal void Apply(ForwardedHeadersOptions options)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto
            | ForwardedHeaders.XForwardedHost | ForwardedHeaders.XForwardedPrefix;
        options.ForwardLimit = ForwardLimit;
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in KnownProxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        foreach (var network in KnownNetworks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }

        options.AllowedHosts = [.. AllowedHosts];
    }
}

internal static class ProxySetup
{
    public static IServiceCollection AddProxySettings(this IServiceCollection services)
    {
        services.AddOptions<ProxySettings>()
            .BindConfiguration(ProxySettings.Section)
            .ValidateKeys(ProxySettings.Section)
            .Validate(s => s.IsValid(), $"{ProxySettings.Section}: KnownProxies must be IP addresses, KnownNetworks CIDR networks (10.0.0.0/8)")
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxySettings>>((options, settings) => settings.Value.Apply(options));
        return services;
    }

    /// <summary>First in the pipeline, so the WSDL address and the throttle see the forwarded values; nothing when off.</summary>
    public static void UseConfiguredForwardedHeaders(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ProxySettings>>().Value.Enabled)
        {
            app.UseForwardedHeaders();
        }
    }
}

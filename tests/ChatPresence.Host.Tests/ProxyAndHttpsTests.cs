using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using ChatPresence.Tests;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatPresence.Host.Tests;

/// <summary>
/// Behind a reverse proxy: with <c>ChatPresence:ForwardedHeaders</c> naming it, the WSDL's soap:address follows
/// X-Forwarded-Proto/Host/Prefix and the login throttle counts X-Forwarded-For; without it both ignore the headers
/// (a client must not pick the address it is throttled by). HTTPS: Kestrel's own certificate settings.
/// </summary>
public sealed class ProxyAndHttpsTests
{
    private static readonly XNamespace Soap11 = WsdlNames.Soap11Binding;
    private static readonly XNamespace Soap12 = WsdlNames.Soap12Binding;

    private static readonly (string Name, string Value)[] ProxyHeaders =
    [
        ("X-Forwarded-Proto", "https"),
        ("X-Forwarded-Host", "chat.example.com"),
        ("X-Forwarded-Prefix", "/presence"),
        ("X-Forwarded-For", "203.0.113.7"),
    ];

    [Fact]
    public async Task Without_configuration_the_WSDL_address_ignores_forwarded_headers()
    {
        await using var host = await ChatPresenceHost.StartAsync();
        var addresses = await WsdlAddressesAsync(host.CreateClient(), ProxyHeaders);
        Assert.All(addresses, a => Assert.Equal(new Uri(host.BaseAddress, "Remote/Services86/Chat.svc").ToString(), a));
    }

    [Theory]
    [InlineData("KnownProxies:0", "127.0.0.1")]
    [InlineData("KnownNetworks:0", "127.0.0.0/8")]
    public async Task With_the_proxy_known_the_WSDL_address_follows_proto_host_and_prefix(string key, string value)
    {
        await using var host = await ChatPresenceHost.StartAsync(s => s["ChatPresence:ForwardedHeaders:" + key] = value);
        var addresses = await WsdlAddressesAsync(host.CreateClient(), ProxyHeaders);
        Assert.Equal(2, addresses.Count);
        Assert.All(addresses, a => Assert.Equal("https://chat.example.com/presence/Remote/Services86/Chat.svc", a));

        // A port in X-Forwarded-Host is kept.
        var withPort = await WsdlAddressesAsync(host.CreateClient(), [("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "chat.example.com:8443")]);
        Assert.All(withPort, a => Assert.Equal("https://chat.example.com:8443/Remote/Services86/Chat.svc", a));
    }

    [Fact]
    public async Task A_proxy_that_is_not_the_known_one_is_not_believed()
    {
        await using var host = await ChatPresenceHost.StartAsync(s => s["ChatPresence:ForwardedHeaders:KnownProxies:0"] = "10.9.8.7");
        var addresses = await WsdlAddressesAsync(host.CreateClient(), ProxyHeaders);
        Assert.All(addresses, a => Assert.Equal(new Uri(host.BaseAddress, "Remote/Services86/Chat.svc").ToString(), a));
    }

    [Fact]
    public async Task With_the_proxy_known_the_throttle_counts_the_forwarded_client()
    {
        await using var host = await ChatPresenceHost.StartAsync(ThrottleAfterThreeFromOneAddress(proxyKnown: true));
        using var client = host.CreateClient();
        await FailThreeTimesFromAsync(client, "203.0.113.7");

        // That client is locked, even with a right password; another client behind the same proxy is not.
        Assert.Equal(HttpStatusCode.TooManyRequests, await GetAsAsync(client, "203.0.113.7", "manager7", "manager7"));
        Assert.Equal(HttpStatusCode.OK, await GetAsAsync(client, "203.0.113.8", "manager7", "manager7"));
    }

    [Fact]
    public async Task Without_configuration_the_throttle_counts_the_connection_not_the_header()
    {
        await using var host = await ChatPresenceHost.StartAsync(ThrottleAfterThreeFromOneAddress(proxyKnown: false));
        using var client = host.CreateClient();
        await FailThreeTimesFromAsync(client, "203.0.113.7");

        // Every "client" is the one connection address: claiming another X-Forwarded-For does not escape the lock.
        Assert.Equal(HttpStatusCode.TooManyRequests, await GetAsAsync(client, "203.0.113.8", "manager7", "manager7"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await GetAsAsync(client, null, "manager7", "manager7"));
    }

    [Fact]
    public async Task A_proxy_that_is_not_an_address_stops_the_host_from_starting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ChatPresenceHost.StartAsync(s => s["ChatPresence:ForwardedHeaders:KnownProxies:0"] = "proxy.example.com"));
        Assert.Contains("KnownProxies", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HTTPS_with_a_certificate_from_Kestrel_settings_serves_an_https_WSDL_address()
    {
        var folder = Directory.CreateTempSubdirectory("chatpresence-cert-").FullName;
        try
        {
            using var certificate = SelfSignedCertificate();
            var pfx = Path.Combine(folder, "chatpresence.pfx");
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "secret-pfx-password"));

            // Exactly the settings the README shows, with port 0.
            await using var host = await ChatPresenceHost.StartAsync(s =>
            {
                s["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0";
                s["Kestrel:Endpoints:Https:Certificate:Path"] = pfx;
                s["Kestrel:Endpoints:Https:Certificate:Password"] = "secret-pfx-password";
            });
            host.Secrets.AddSecret("secret-pfx-password");
            var address = host.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            Assert.StartsWith("https://127.0.0.1:", address, StringComparison.Ordinal);

            using var handler = new HttpClientHandler
            {
                // Trust exactly this certificate.
                ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint,
            };
            using var client = new HttpClient(handler) { BaseAddress = new Uri(address.TrimEnd('/') + "/") };
            var addresses = await WsdlAddressesAsync(client, []);
            Assert.All(addresses, a => Assert.Equal(address.TrimEnd('/') + "/Remote/Services86/Chat.svc", a));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("health/ready", UriKind.Relative))).StatusCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(1));
    }

    private static Action<IDictionary<string, string?>> ThrottleAfterThreeFromOneAddress(bool proxyKnown) => s =>
    {
        s["ChatPresence:Security:LoginThrottle:FailuresPerAddress"] = "3";
        s["ChatPresence:Security:LoginThrottle:FailuresPerLogin"] = "1000";
        if (proxyKnown)
        {
            s["ChatPresence:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1";
        }
    };

    private static async Task FailThreeTimesFromAsync(HttpClient client, string forwardedFor)
    {
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await GetAsAsync(client, forwardedFor, "agent" + (attempt + 1), "wrong"));
        }
    }

    /// <summary>REST GetChatPresence with Basic credentials, as if from <paramref name="forwardedFor"/> behind a proxy.</summary>
    private static async Task<HttpStatusCode> GetAsAsync(HttpClient client, string? forwardedFor, string login, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/Agents/Chat/GetChatPresence");
        request.Headers.Authorization = ChatPresenceHost.Basic(login, password);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>The soap:address and soap12:address locations of the served Chat WSDL.</summary>
    private static async Task<IReadOnlyList<string>> WsdlAddressesAsync(HttpClient client, (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "Remote/Services86/Chat.svc?wsdl");
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var wsdl = XDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. wsdl.Descendants(Soap11 + "address").Concat(wsdl.Descendants(Soap12 + "address")).Select(a => (string)a.Attribute("location")!)];
    }
}

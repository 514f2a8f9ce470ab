using System.Collections.Concurrent;
using System.Security;
using System.Text;

namespace ChatPresence.Soap;

/// <summary>
/// The WSDL of one service (checked in under <c>wsdl/</c>, embedded in this assembly), with the
/// <c>soap:address</c>/<c>soap12:address</c> locations rewritten to the address the client used.
/// </summary>
public sealed class WsdlDocument
{
    /// <summary>The location written in the checked-in copies; replaced when served.</summary>
    public const string TemplateAddressBase = "http://localhost:5000/Remote/Services86/";

    private const int MaxCachedAddresses = 64;

    private readonly string template;
    private readonly string templateAddress;
    private readonly ConcurrentDictionary<string, byte[]> byAddress = new(StringComparer.Ordinal);

    private WsdlDocument(string template, string templateAddress)
    {
        this.template = template;
        this.templateAddress = templateAddress;
    }

    public static WsdlDocument Chat { get; } = Load("Services86-Chat.wsdl", "Chat.svc");

    public static WsdlDocument SoPrincipal { get; } = Load("Services86-SoPrincipal.wsdl", "SoPrincipal.svc");

    public static WsdlDocument For(SoapService service) => service == SoapService.Chat ? Chat : SoPrincipal;

    /// <summary>The WSDL as a client at <paramref name="address"/> must see it (UTF-8 bytes).</summary>
    public byte[] Render(string address)
    {
        if (byAddress.TryGetValue(address, out var cached))
        {
            return cached;
        }

        var text = template.Replace("\"" + templateAddress + "\"", "\"" + SecurityElement.Escape(address) + "\"", StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(text);
        if (byAddress.Count < MaxCachedAddresses)
        {
            byAddress.TryAdd(address, bytes);
        }

        return bytes;
    }

    private static WsdlDocument Load(string resource, string serviceFile)
    {
        using var stream = typeof(WsdlDocument).Assembly.GetManifestResourceStream("ChatPresence.Soap.Wsdl." + resource)
            ?? throw new InvalidOperationException("Missing embedded WSDL " + resource);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return new WsdlDocument(reader.ReadToEnd(), TemplateAddressBase + serviceFile);
    }
}

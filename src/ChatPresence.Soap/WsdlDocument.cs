using System.Collections.Concurrent;
using System.Security;
using System.Text;
using System.Xml.Linq;

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

    private readonly Lazy<XElement[]> schemas;

    private WsdlDocument(string template, string templateAddress)
    {
        this.template = template;
        this.templateAddress = templateAddress;
        schemas = new Lazy<XElement[]>(() => StandaloneSchemas(template));
        ServiceName = (string?)XDocument.Parse(template).Root!.Element(Wsdl + "service")?.Attribute("name") ?? "Service";
    }

    private static readonly XNamespace Wsdl = "http://schemas.xmlsoap.org/wsdl/";
    private static readonly XNamespace Xs = "http://www.w3.org/2001/XMLSchema";

    /// <summary>The WSDL's <c>wsdl:service</c> name (WCF's help page title).</summary>
    public string ServiceName { get; }

    /// <summary>How many schemas <c>?xsd=xsd0</c>, <c>xsd1</c>… answer (the WSDL's inline schemas, in order).</summary>
    public int SchemaCount => schemas.Value.Length;

    /// <summary>
    /// Schema <paramref name="index"/> of the WSDL as a document of its own, as WCF's <c>?xsd=xsdN</c> answers it: the
    /// namespace declarations it inherits copied onto it, each <c>xs:import</c> pointing at its schema's <c>?xsd=</c>
    /// address. The WSDL itself keeps its schemas inline (the clients in Interop.Tests read it as one document).
    /// </summary>
    public byte[] RenderSchema(int index, string address)
    {
        var schema = new XElement(schemas.Value[index]);
        foreach (var import in schema.Elements(Xs + "import"))
        {
            var target = Array.FindIndex(schemas.Value, s => (string?)s.Attribute("targetNamespace") == (string?)import.Attribute("namespace"));
            if (target >= 0)
            {
                import.SetAttributeValue("schemaLocation", address + "?xsd=xsd" + target.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        using var output = new MemoryStream();
        using (var writer = System.Xml.XmlWriter.Create(output, new System.Xml.XmlWriterSettings { Encoding = new UTF8Encoding(false) }))
        {
            schema.Save(writer);
        }

        return output.ToArray();
    }

    private static XElement[] StandaloneSchemas(string wsdl)
    {
        var root = XDocument.Parse(wsdl).Root!;
        var inherited = root.Attributes().Where(a => a.IsNamespaceDeclaration).ToArray();
        return root.Element(Wsdl + "types")?.Elements(Xs + "schema").Select(schema =>
        {
            var copy = new XElement(schema);
            foreach (var declaration in inherited.Where(d => copy.Attribute(d.Name) is null))
            {
                copy.Add(new XAttribute(declaration));
            }

            return copy;
        }).ToArray() ?? [];
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

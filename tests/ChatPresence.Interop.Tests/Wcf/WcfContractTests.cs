using System.Runtime.Serialization;
using System.ServiceModel.Description;
using System.Xml;
using System.Xml.Linq;

namespace ChatPresence.Interop.Tests.Wcf;

/// <summary>
/// The handwritten client contract is what svcutil would generate from the host's <c>?singleWsdl</c>: the WCF
/// runtime's own description of it (ContractDescription: operations, actions, header and body element names,
/// namespaces and order) and the schema the DataContractSerializer derives from its data types
/// (XsdDataContractExporter: member names, order, types, nillability, enum lists, dictionaries) equal the WSDL.
/// </summary>
public sealed class WcfContractTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private static readonly XNamespace Wsdl = WsdlNames.Wsdl;
    private static readonly XNamespace Xs = WsdlNames.Xs;
    private static readonly XNamespace Wsaw = WsdlNames.Wsaw;
    private static readonly XNamespace Soap11Binding = WsdlNames.Soap11Binding;
    private static readonly XNamespace Soap12Binding = WsdlNames.Soap12Binding;

    [Theory]
    [InlineData("Chat.svc", typeof(Chat))]
    [InlineData("SoPrincipal.svc", typeof(SoPrincipal))]
    public async Task Contract_operations_actions_and_messages_match_the_served_wsdl(string service, Type contractType)
    {
        var wsdl = await LoadWsdlAsync(service);
        var contract = ContractDescription.GetContract(contractType);
        var portType = wsdl.Root!.Elements(Wsdl + "portType").Single();
        Assert.Equal(portType.Attribute("name")!.Value, contract.Name);
        Assert.Equal(Services86.Namespace, contract.Namespace);

        var wsdlOperations = portType.Elements(Wsdl + "operation").ToList();
        Assert.Equal(wsdlOperations.Select(o => o.Attribute("name")!.Value), contract.Operations.Select(o => o.Name));
        var bindings = wsdl.Root.Elements(Wsdl + "binding").ToList();
        Assert.NotEmpty(bindings);

        foreach (var operation in contract.Operations)
        {
            var wsdlOperation = wsdlOperations.Single(o => o.Attribute("name")!.Value == operation.Name);
            var input = operation.Messages.Single(m => m.Direction == MessageDirection.Input);
            var output = operation.Messages.Single(m => m.Direction == MessageDirection.Output);
            Assert.Equal(wsdlOperation.Element(Wsdl + "input")!.Attribute(Wsaw + "Action")!.Value, input.Action);
            Assert.Equal(wsdlOperation.Element(Wsdl + "output")!.Attribute(Wsaw + "Action")!.Value, output.Action);

            foreach (var binding in bindings)
            {
                var bound = binding.Elements(Wsdl + "operation").Single(o => o.Attribute("name")!.Value == operation.Name);
                var soapOperation = bound.Elements().Single(e => e.Name == Soap11Binding + "operation" || e.Name == Soap12Binding + "operation");
                Assert.Equal(input.Action, soapOperation.Attribute("soapAction")!.Value);
                Assert.Equal("document", soapOperation.Attribute("style")!.Value);
                AssertMessage(wsdl, wsdlOperation.Element(Wsdl + "input")!, bound.Element(Wsdl + "input")!, input, $"{binding.Attribute("name")!.Value} {operation.Name} input");
                AssertMessage(wsdl, wsdlOperation.Element(Wsdl + "output")!, bound.Element(Wsdl + "output")!, output, $"{binding.Attribute("name")!.Value} {operation.Name} output");
            }
        }
    }

    [Theory]
    [InlineData("Chat.svc")]
    [InlineData("SoPrincipal.svc")]
    public async Task Data_contracts_export_the_schema_types_of_the_served_wsdl(string service)
    {
        var wsdl = await LoadWsdlAsync(service);
        var wsdlTypes = NamedTypes(wsdl.Root!.Element(Wsdl + "types")!.Elements(Xs + "schema").Where(IsContractSchema));

        // Everything the messages of this service carry; the exporter adds what those types reference.
        var exporter = new XsdDataContractExporter();
        exporter.Export(service == "Chat.svc"
            ? [typeof(ChatPresence[]), typeof(SoCredentials), typeof(SoTimeZone), typeof(SoExceptionInfo), typeof(SoExtraInfo)]
            : [typeof(AuthenticateResponse), typeof(SoCredentials), typeof(SoTimeZone), typeof(SoExceptionInfo), typeof(SoExtraInfo)]);
        var exported = NamedTypes(exporter.Schemas.Schemas().Cast<System.Xml.Schema.XmlSchema>().Select(ToXElement)
            .Where(IsContractSchema));

        Assert.Equal(wsdlTypes.Keys.Select(k => k.ToString()).Order(), exported.Keys.Select(k => k.ToString()).Order());
        foreach (var (name, shape) in wsdlTypes)
        {
            Assert.True(shape == exported[name], $"{name}\n  WSDL:     {shape}\n  contract: {exported[name]}");
        }
    }

    /// <summary>Header parts (in binding order) and the wrapped body (element, then its sequence) of one message.</summary>
    private static void AssertMessage(XDocument wsdl, XElement abstractMessage, XElement boundMessage, MessageDescription message, string where)
    {
        var headers = boundMessage.Elements().Where(e => e.Name.LocalName == "header").Select(h =>
        {
            var messageName = ResolveQName(h, h.Attribute("message")!.Value).LocalName;
            var part = wsdl.Root!.Elements(Wsdl + "message").Single(m => m.Attribute("name")!.Value == messageName)
                .Elements(Wsdl + "part").Single(p => p.Attribute("name")!.Value == h.Attribute("part")!.Value);
            return ResolveQName(part, part.Attribute("element")!.Value);
        }).ToList();
        Assert.True(
            headers.SequenceEqual(message.Headers.Select(h => XName.Get(h.Name, h.Namespace))),
            $"{where}: headers WSDL [{string.Join(", ", headers)}] contract [{string.Join(", ", message.Headers.Select(h => XName.Get(h.Name, h.Namespace)))}]");

        var bodyMessageName = ResolveQName(abstractMessage, abstractMessage.Attribute("message")!.Value).LocalName;
        var bodyPart = wsdl.Root!.Elements(Wsdl + "message").Single(m => m.Attribute("name")!.Value == bodyMessageName).Elements(Wsdl + "part").Single();
        var wrapper = ResolveQName(bodyPart, bodyPart.Attribute("element")!.Value);
        Assert.Equal(wrapper, XName.Get(message.Body.WrapperName, message.Body.WrapperNamespace));

        var wrapperElement = wsdl.Descendants(Xs + "schema").Where(s => (string?)s.Attribute("targetNamespace") == wrapper.NamespaceName)
            .Elements(Xs + "element").Single(e => e.Attribute("name")!.Value == wrapper.LocalName);
        var members = wrapperElement.Descendants(Xs + "sequence").First().Elements(Xs + "element")
            .Select(e => XName.Get(e.Attribute("name")!.Value, wrapper.NamespaceName)).ToList();
        var parts = message.Body.Parts.OrderBy(p => p.Index).Select(p => XName.Get(p.Name, p.Namespace)).ToList();
        Assert.True(members.SequenceEqual(parts), $"{where}: body WSDL [{string.Join(", ", members)}] contract [{string.Join(", ", parts)}]");
    }

    /// <summary>Each named complex or simple type as a canonical one-line shape (base, members with type, occurs, nillable; enumerations; dictionary flag).</summary>
    private static Dictionary<XName, string> NamedTypes(IEnumerable<XElement> schemas)
    {
        var types = new Dictionary<XName, string>();
        foreach (var schema in schemas)
        {
            var ns = (string?)schema.Attribute("targetNamespace") ?? "";
            foreach (var type in schema.Elements().Where(e => e.Name == Xs + "complexType" || e.Name == Xs + "simpleType"))
            {
                types[XName.Get(type.Attribute("name")!.Value, ns)] = Shape(type);
            }
        }

        return types;
    }

    private static string Shape(XElement type)
    {
        var parts = new List<string>();
        if (type.Descendants(Xs + "extension").FirstOrDefault() is { } extension)
        {
            parts.Add("extends " + ResolveQName(extension, extension.Attribute("base")!.Value));
        }

        if (type.Descendants().Any(e => e.Name.LocalName == "IsDictionary" && e.Value.Trim() == "true"))
        {
            parts.Add("dictionary");
        }

        if (type.Descendants(Xs + "list").Any())
        {
            parts.Add("list");
        }

        foreach (var element in type.Descendants(Xs + "element"))
        {
            var typeName = element.Attribute("type") is { } t ? ResolveQName(element, t.Value).ToString() : "anonymous";
            parts.Add($"{element.Attribute("name")!.Value}:{typeName}[{(string?)element.Attribute("minOccurs") ?? "1"}..{(string?)element.Attribute("maxOccurs") ?? "1"}]{((string?)element.Attribute("nillable") == "true" ? "?" : "")}");
        }

        parts.AddRange(type.Descendants(Xs + "enumeration").Select(e => "=" + e.Attribute("value")!.Value));
        return string.Join(" ", parts);
    }

    /// <summary>The serializer's own primitives schema (char, duration, guid) is not part of our contract.</summary>
    private static bool IsContractSchema(XElement schema) =>
        (string?)schema.Attribute("targetNamespace") != "http://schemas.microsoft.com/2003/10/Serialization/";

    private static XName ResolveQName(XElement scope, string qualified)
    {
        var colon = qualified.IndexOf(':', StringComparison.Ordinal);
        var ns = colon < 0 ? scope.GetDefaultNamespace() : scope.GetNamespaceOfPrefix(qualified[..colon]);
        return XName.Get(qualified[(colon + 1)..], ns?.NamespaceName ?? "");
    }

    private static XElement ToXElement(System.Xml.Schema.XmlSchema schema)
    {
        var document = new XDocument();
        using (var writer = document.CreateWriter())
        {
            schema.Write(writer);
        }

        return document.Root!;
    }

    private async Task<XDocument> LoadWsdlAsync(string service)
    {
        using var http = fixture.Host.CreateClient();
        await using var stream = await http.GetStreamAsync($"Remote/Services86/{service}?singleWsdl");
        return await XDocument.LoadAsync(stream, LoadOptions.None, CancellationToken.None);
    }
}

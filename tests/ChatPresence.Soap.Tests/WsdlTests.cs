using System.Xml.Linq;
using ChatPresence.Soap.Tests.Infrastructure;

namespace ChatPresence.Soap.Tests;

public sealed class WsdlTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private static readonly XNamespace Wsdl = WsdlNames.Wsdl;
    private static readonly XNamespace Xs = WsdlNames.Xs;
    private static readonly XNamespace Soap11 = WsdlNames.Soap11Binding;
    private static readonly XNamespace Soap12 = WsdlNames.Soap12Binding;
    private static readonly XNamespace Wsaw = WsdlNames.Wsaw;

    private async Task<(XDocument Document, string Address)> FetchAsync(string path)
    {
        using var client = fixture.Host.CreateClient();
        using var response = await client.GetAsync(path);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType!.MediaType);
        var address = new Uri(fixture.Host.BaseAddress, path.Split('?')[0]).ToString();
        return (XDocument.Parse(await response.Content.ReadAsStringAsync()), address);
    }

    [Theory]
    [InlineData("Remote/Services86/Chat.svc?wsdl")]
    [InlineData("Remote/Services86/Chat.svc?singleWsdl")]
    public async Task Served_Chat_WSDL_describes_the_reference_contract(string path)
    {
        var reference = XDocument.Load(Path.Combine(RepoPaths.ContractReference, "Services86-Chat.wsdl")).Root!;
        var (served, _) = await FetchAsync(path);
        var root = served.Root!;

        // Types: every element name, type, order, minOccurs and nillable.
        Assert.Equal(Canon(reference.Element(Wsdl + "types")!), Canon(root.Element(Wsdl + "types")!));

        // Messages and their parts (body and header parts).
        Assert.Equal(reference.Elements(Wsdl + "message").Select(XmlCanon.Canonicalize), root.Elements(Wsdl + "message").Select(XmlCanon.Canonicalize));

        // Operations with their actions and messages.
        Assert.Equal(Canon(reference.Element(Wsdl + "portType")!), Canon(root.Element(Wsdl + "portType")!));
        Assert.Equal(
            ["GetChatPresence", "SaveChatPresence", "IsWithinOpeningHours"],
            root.Element(Wsdl + "portType")!.Elements(Wsdl + "operation").Select(o => (string)o.Attribute("name")!));

        // The published SOAP 1.1 binding, unchanged; a SOAP 1.2 binding with the same operations, actions and headers.
        var bindings = root.Elements(Wsdl + "binding").ToArray();
        var referenceBinding = reference.Element(Wsdl + "binding")!;
        Assert.Equal(Canon(referenceBinding), Canon(bindings.Single(b => (string?)b.Attribute("name") == "BasicHttpBinding_Chat")));
        var soap12 = bindings.Single(b => b.Element(Soap12 + "binding") is not null);
        Assert.Equal(
            Canon(referenceBinding).Replace(Soap11.NamespaceName, Soap12.NamespaceName, StringComparison.Ordinal).Replace("BasicHttpBinding_Chat", "Soap12Binding_Chat", StringComparison.Ordinal),
            Canon(soap12));
        Assert.Equal(
            root.Element(Wsdl + "portType")!.Elements(Wsdl + "operation").Select(o => (string)o.Element(Wsdl + "input")!.Attribute(Wsaw + "Action")!),
            soap12.Elements(Wsdl + "operation").Select(o => (string)o.Element(Soap12 + "operation")!.Attribute("soapAction")!));
    }

    [Theory]
    [InlineData("Remote/Services86/Chat.svc?wsdl")]
    [InlineData("Cust12345/Remote/Services86/Chat.svc?wsdl")]
    [InlineData("remote/services86/soprincipal.svc?singleWsdl")]
    public async Task Both_ports_point_at_the_address_the_client_used(string path)
    {
        var (served, address) = await FetchAsync(path);
        var ports = served.Root!.Element(Wsdl + "service")!.Elements(Wsdl + "port").ToArray();
        Assert.Equal(2, ports.Length);
        Assert.Equal(address, (string)ports.Single(p => p.Element(Soap11 + "address") is not null).Element(Soap11 + "address")!.Attribute("location")!);
        Assert.Equal(address, (string)ports.Single(p => p.Element(Soap12 + "address") is not null).Element(Soap12 + "address")!.Attribute("location")!);
    }

    [Fact]
    public async Task SoPrincipal_WSDL_describes_AuthenticateUsernamePassword_in_the_same_style()
    {
        var (served, _) = await FetchAsync("Remote/Services86/SoPrincipal.svc?wsdl");
        var root = served.Root!;
        Assert.Equal("http://www.superoffice.net/ws/crm/NetServer/Services86", (string)root.Attribute("targetNamespace")!);
        var operation = root.Element(Wsdl + "portType")!.Element(Wsdl + "operation")!;
        Assert.Equal("AuthenticateUsernamePassword", (string)operation.Attribute("name")!);
        Assert.Equal("http://www.superoffice.net/ws/crm/NetServer/Services86/SoPrincipal/AuthenticateUsernamePassword", (string)operation.Element(Wsdl + "input")!.Attribute(Wsaw + "Action")!);
        var schema = root.Element(Wsdl + "types")!.Element(Xs + "schema")!;
        var response = schema.Elements(Xs + "complexType").Single(t => (string?)t.Attribute("name") == "AuthenticateResponse");
        Assert.Equal(["Response", "Credentials", "AuthenticationSucceeded"], response.Descendants(Xs + "element").Select(e => (string)e.Attribute("name")!));
        var carrier = schema.Elements(Xs + "complexType").Single(t => (string?)t.Attribute("name") == "SoPrincipalCarrier");
        Assert.Equal(["AssociateId", "Associate", "FullName", "UserType", "RoleName"], carrier.Descendants(Xs + "element").Select(e => (string)e.Attribute("name")!));
        Assert.Equal(2, root.Elements(Wsdl + "binding").Count());
    }

    [Fact]
    public void Checked_in_copies_are_valid_XML_with_the_template_address()
    {
        foreach (var name in new[] { "Services86-Chat.wsdl", "Services86-SoPrincipal.wsdl" })
        {
            var document = XDocument.Load(Path.Combine(RepoPaths.Root, "wsdl", name));
            Assert.All(
                document.Descendants().Where(e => e.Name.LocalName == "address"),
                a => Assert.StartsWith(WsdlDocument.TemplateAddressBase, (string)a.Attribute("location")!, StringComparison.Ordinal));
        }
    }

    private static string Canon(XElement element) => XmlCanon.Canonicalize(element);
}

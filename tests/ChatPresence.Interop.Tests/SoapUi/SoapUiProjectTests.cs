using System.Xml.Linq;
using Xunit.Abstractions;

namespace ChatPresence.Interop.Tests.SoapUi;

/// <summary>
/// <c>samples/soapui/ChatPresence-soapui-project.xml</c> (SoapUI does not install here): its interfaces describe the
/// served WSDL's bindings, and its test suite, run step by step by <see cref="SoapUiProjectRunner"/> against a live
/// host, passes every assertion it contains.
/// </summary>
public sealed class SoapUiProjectTests(HostFixture fixture, ITestOutputHelper output) : IClassFixture<HostFixture>
{
    private static readonly XNamespace Con = SoapUiProjectRunner.Con;
    private static readonly XNamespace Wsdl = WsdlNames.Wsdl;

    private static string ProjectPath => Path.Combine(Clients.RepoRoot, "samples", "soapui", "ChatPresence-soapui-project.xml");

    [Fact]
    public async Task Project_test_suite_passes_against_the_host()
    {
        var project = XDocument.Load(ProjectPath);
        var runner = await RunAsync(project);

        Assert.True(runner.Failures.Count == 0, string.Join('\n', runner.Failures));
        var steps = project.Descendants(Con + "testStep").ToList();
        Assert.Equal(steps.Count(s => (string?)s.Attribute("type") == "request"), runner.RequestCount);
        Assert.Equal(project.Descendants(Con + "transfers").Count(), runner.TransferCount);
        Assert.Equal(project.Descendants(Con + "testStep").Descendants(Con + "assertion").Count(), runner.AssertionCount);

        // What the issue asks of the suite: a login, a ticket transfer, every Chat operation, the four assertion kinds.
        var operations = steps.Select(s => (string?)s.Descendants(Con + "operation").FirstOrDefault()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "AuthenticateUsernamePassword", "GetChatPresence", "SaveChatPresence", "IsWithinOpeningHours" }, operations);
        Assert.Contains(steps, s => (string?)s.Attribute("type") == "transfer");
        var kinds = project.Descendants(Con + "assertion").Select(a => (string?)a.Attribute("type")).ToHashSet();
        Assert.Superset(new HashSet<string?> { "SOAP Response", "SOAP Fault Assertion", "XPath Match" }, kinds);
        Assert.Contains(project.Descendants(Con + "assertion"), a => ((string?)a.Descendants("path").FirstOrDefault())?.Contains("Succeeded", StringComparison.Ordinal) == true);
        Assert.Contains(project.Descendants(Con + "assertion"), a => ((string?)a.Descendants("path").FirstOrDefault())?.Contains("ns:ChatPresence", StringComparison.Ordinal) == true);
    }

    [Theory]
    [InlineData("Chat.svc")]
    [InlineData("SoPrincipal.svc")]
    public async Task Project_interfaces_are_the_served_bindings_with_a_request_per_operation(string service)
    {
        var project = XDocument.Load(ProjectPath);
        using var http = fixture.Host.CreateClient();
        var wsdl = XDocument.Parse(await http.GetStringAsync($"Remote/Services86/{service}?singleWsdl"));
        var targetNamespace = (string)wsdl.Root!.Attribute("targetNamespace")!;
        foreach (var binding in wsdl.Root.Elements(Wsdl + "binding"))
        {
            var name = (string)binding.Attribute("name")!;
            var iface = project.Root!.Elements(Con + "interface").SingleOrDefault(i => (string?)i.Attribute("name") == name);
            Assert.True(iface is not null, $"no SoapUI interface for binding {name}");
            Assert.Equal($"{{{targetNamespace}}}{name}", (string?)iface.Attribute("bindingName"));
            var soap12 = binding.Elements().Any(e => e.Name.LocalName == "binding" && e.Name.NamespaceName == "http://schemas.xmlsoap.org/wsdl/soap12/");
            Assert.Equal(soap12 ? "1_2" : "1_1", (string?)iface.Attribute("soapVersion"));

            var wsdlOperations = binding.Elements(Wsdl + "operation").ToDictionary(
                o => (string)o.Attribute("name")!,
                o => (string)o.Elements().Single(e => e.Name.LocalName == "operation").Attribute("soapAction")!);
            var operations = iface.Elements(Con + "operation").ToList();
            Assert.Equal(wsdlOperations.Keys.Order(), operations.Select(o => (string)o.Attribute("name")!).Order());
            foreach (var operation in operations)
            {
                Assert.Equal(wsdlOperations[(string)operation.Attribute("name")!], (string?)operation.Attribute("action"));
                var call = Assert.Single(operation.Elements(Con + "call"));
                var envelope = XDocument.Parse((string)call.Element(Con + "request")!);
                Assert.Equal(soap12 ? "http://www.w3.org/2003/05/soap-envelope" : "http://schemas.xmlsoap.org/soap/envelope/", envelope.Root!.Name.NamespaceName);
                var bodyElement = envelope.Root.Elements().Single(e => e.Name.LocalName == "Body").Elements().Single();
                Assert.Equal(XName.Get((string)operation.Attribute("name")!, targetNamespace), bodyElement.Name);
            }
        }
    }

    /// <summary>The runner is not a rubber stamp: a wrong expectation, an assertion or step it cannot evaluate each fail.</summary>
    [Theory]
    [InlineData("wrong-content")]
    [InlineData("unknown-assertion")]
    [InlineData("unknown-step")]
    [InlineData("missing-xpath")]
    public async Task Runner_fails_what_does_not_hold_or_it_cannot_check(string mutation)
    {
        var project = XDocument.Load(ProjectPath);
        var firstRequest = project.Descendants(Con + "testStep").First(s => (string?)s.Attribute("type") == "request").Descendants(Con + "request").First();
        var expected = mutation switch
        {
            "wrong-content" => Mutate(project.Descendants(Con + "assertion").First(a => (string?)a.Attribute("type") == "XPath Match").Descendants("content").Single(), "false", "XPathContains comparison failed"),
            "unknown-assertion" => Add(firstRequest, new XElement(Con + "assertion", new XAttribute("type", "Schema Compliance"), new XAttribute("name", "Schema Compliance")), "'Schema Compliance' is not supported"),
            "unknown-step" => AddStep(project, "groovy"),
            _ => Mutate(project.Descendants(Con + "assertion").First(a => (string?)a.Attribute("type") == "XPath Match").Descendants("path").Single(), "//nothing-here", "Missing content for xpath"),
        };

        var runner = await RunAsync(project);
        Assert.Contains(runner.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    private static string Mutate(XElement element, string value, string expected)
    {
        element.Value = value;
        return expected;
    }

    private static string Add(XElement request, XElement assertion, string expected)
    {
        request.Elements(Con + "assertion").Last().AddAfterSelf(assertion);
        return expected;
    }

    private static string AddStep(XDocument project, string type)
    {
        project.Descendants(Con + "testStep").First().AddBeforeSelf(new XElement(Con + "testStep", new XAttribute("type", type), new XAttribute("name", "Script")));
        return $"test step type '{type}' is not supported";
    }

    private async Task<SoapUiProjectRunner> RunAsync(XDocument project)
    {
        using var http = new HttpClient();
        var runner = new SoapUiProjectRunner(project, fixture.Host.BaseAddress, http);
        await runner.RunAsync(CancellationToken.None);
        foreach (var line in runner.Log)
        {
            output.WriteLine(line);
        }

        return runner;
    }
}

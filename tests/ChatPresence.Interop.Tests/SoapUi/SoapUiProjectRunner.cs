using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using System.Xml.XPath;

namespace ChatPresence.Interop.Tests.SoapUi;

/// <summary>
/// Runs the test suites of a SoapUI 5 project file the way SoapUI's test runner does, for what a plain SOAP project
/// uses: every enabled test step of every test case in order — WSDL request steps (the request as written, after
/// property expansion, posted with the SOAP version and action of its interface operation to its endpoint, rewritten
/// to <see cref="endpointBase"/>) and property transfer steps (XPath source and target) — and every assertion of a
/// request step. A step type, assertion type, transfer language or expansion the runner does not know is a failure,
/// never skipped, so the file cannot claim more than was checked.
/// </summary>
internal sealed partial class SoapUiProjectRunner(XDocument project, Uri endpointBase, HttpClient http)
{
    public static readonly XNamespace Con = "http://eviware.com/soapui/config";

    private const string Soap11 = "http://schemas.xmlsoap.org/soap/envelope/";
    private const string Soap12 = "http://www.w3.org/2003/05/soap-envelope";

    private readonly List<string> log = [];
    private readonly List<string> failures = [];

    /// <summary>Everything the run did, one line per step and assertion.</summary>
    public IReadOnlyList<string> Log => log;

    public IReadOnlyList<string> Failures => failures;

    /// <summary>How many assertions were evaluated (passed or failed).</summary>
    public int AssertionCount { get; private set; }

    public int RequestCount { get; private set; }

    public int TransferCount { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var root = project.Root ?? throw new InvalidDataException("empty project");
        if (root.Name != Con + "soapui-project")
        {
            throw new InvalidDataException("not a SoapUI project: " + root.Name);
        }

        var interfaces = root.Elements(Con + "interface").ToDictionary(i => (string)i.Attribute("name")!);
        var projectProperties = Properties(root);
        foreach (var suite in root.Elements(Con + "testSuite").Where(Enabled))
        {
            var suiteProperties = Properties(suite);
            foreach (var testCase in suite.Elements(Con + "testCase").Where(Enabled))
            {
                var run = new CaseRun((string)testCase.Attribute("name")!, projectProperties, suiteProperties, Properties(testCase));
                foreach (var step in testCase.Elements(Con + "testStep").Where(Enabled))
                {
                    var name = (string)step.Attribute("name")!;
                    run.Steps[name] = new StepState(step);
                }

                foreach (var step in run.Steps.Values)
                {
                    var where = $"{run.Name} / {step.Name}";
                    try
                    {
                        switch ((string?)step.Element.Attribute("type"))
                        {
                            case "request":
                                await RunRequestAsync(run, step, interfaces, where, cancellationToken);
                                break;
                            case "transfer":
                                RunTransfers(run, step, where);
                                break;
                            default:
                                Fail(where, $"test step type '{step.Element.Attribute("type")?.Value}' is not supported by this runner");
                                break;
                        }
                    }
                    catch (Exception e) when (e is XPathException or XmlException or InvalidDataException or HttpRequestException or KeyNotFoundException)
                    {
                        Fail(where, e.GetType().Name + ": " + e.Message);
                    }
                }
            }
        }
    }

    private async Task RunRequestAsync(CaseRun run, StepState step, Dictionary<string, XElement> interfaces, string where, CancellationToken cancellationToken)
    {
        var config = step.Element.Element(Con + "config")!;
        var interfaceName = (string)config.Element(Con + "interface")!;
        var operationName = (string)config.Element(Con + "operation")!;
        var request = config.Element(Con + "request")!;
        if ((string?)request.Attribute("useWsAddressing") == "true" || (string?)request.Attribute("outgoingWss") is { Length: > 0 })
        {
            Fail(where, "WS-Addressing and WS-Security request settings are not supported by this runner");
            return;
        }

        var iface = interfaces.TryGetValue(interfaceName, out var found) ? found : throw new InvalidDataException($"no interface '{interfaceName}'");
        var operation = iface.Elements(Con + "operation").SingleOrDefault(o => (string?)o.Attribute("name") == operationName)
            ?? throw new InvalidDataException($"interface '{interfaceName}' has no operation '{operationName}'");
        var action = (string)operation.Attribute("action")!;
        var soap12 = (string?)iface.Attribute("soapVersion") == "1_2";

        var body = Expand(run, step.Request ?? (string)request.Element(Con + "request")!, where);
        step.SentRequest = body;
        var endpoint = Rewrite(Expand(run, (string)request.Element(Con + "endpoint")!, where));
        var encoding = Encoding.GetEncoding((string?)request.Element(Con + "encoding") ?? "UTF-8");

        using var message = new HttpRequestMessage(HttpMethod.Post, endpoint);
        message.Content = new ByteArrayContent(encoding.GetBytes(body));
        // What SoapUI sends: SOAP 1.1 text/xml + SOAPAction, SOAP 1.2 application/soap+xml with the action parameter.
        var contentType = new MediaTypeHeaderValue(soap12 ? "application/soap+xml" : "text/xml") { CharSet = encoding.WebName.ToUpperInvariant() };
        if (soap12)
        {
            contentType.Parameters.Add(new NameValueHeaderValue("action", "\"" + action + "\""));
        }
        else
        {
            message.Headers.TryAddWithoutValidation("SOAPAction", "\"" + action + "\"");
        }

        message.Content.Headers.ContentType = contentType;
        using var response = await http.SendAsync(message, cancellationToken);
        step.Status = (int)response.StatusCode;
        step.Response = await response.Content.ReadAsStringAsync(cancellationToken);
        RequestCount++;
        log.Add($"{where}: POST {endpoint.AbsolutePath} ({(soap12 ? "SOAP 1.2" : "SOAP 1.1")}) -> {step.Status}");

        foreach (var assertion in request.Elements(Con + "assertion").Where(a => (string?)a.Attribute("disabled") != "true"))
        {
            var name = $"{where} / assertion '{(string?)assertion.Attribute("name") ?? (string?)assertion.Attribute("type")}'";
            AssertionCount++;
            var error = Evaluate(run, assertion, step, soap12 ? Soap12 : Soap11, name);
            if (error is null)
            {
                log.Add(name + ": VALID");
            }
            else
            {
                Fail(name, error);
            }
        }
    }

    /// <summary>Null when the assertion holds, else why not (in SoapUI's words where it has them).</summary>
    private string? Evaluate(CaseRun run, XElement assertion, StepState step, string envelopeNamespace, string where)
    {
        var configuration = assertion.Element(Con + "configuration");
        switch ((string?)assertion.Attribute("type"))
        {
            case "SOAP Response":
            {
                var envelope = TryParse(step.Response!);
                return envelope?.Root is { } root && root.Name == XName.Get("Envelope", envelopeNamespace) && root.Element(XName.Get("Body", envelopeNamespace)) is not null
                    ? null
                    : "Response is not a SOAP " + (envelopeNamespace == Soap12 ? "1.2" : "1.1") + " envelope";
            }

            // SoapUI's ids are the other way round from their labels: "SOAP Fault Assertion" is "Not SOAP Fault".
            case "SOAP Fault Assertion":
                return IsFault(step.Response!, envelopeNamespace) ? "Response is a SOAP Fault" : null;
            case "Not SOAP Fault Assertion":
                return IsFault(step.Response!, envelopeNamespace) ? null : "Response is not a SOAP Fault";

            case "Valid HTTP Status Codes":
            {
                var codes = ((string?)configuration?.Element("codes") ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                return codes.Contains(step.Status.ToString(CultureInfo.InvariantCulture)) ? null : $"Response status code: {step.Status} is not in acceptable list of status codes";
            }

            case "XPath Match":
            {
                if ((string?)configuration?.Element("path") is not { } path)
                {
                    throw new InvalidDataException(where + ": XPath Match without a path");
                }

                var expected = Expand(run, (string?)configuration.Element("content") ?? "", where);
                var wildcards = (string?)configuration.Element("allowWildcards") == "true";
                var document = TryParse(step.Response!) ?? throw new InvalidDataException("the response is not XML");
                var actual = EvaluateXPath(document, path, out var found);
                if (!found)
                {
                    return $"Missing content for xpath [{path}] in Response";
                }

                return Matches(actual!, expected, wildcards) ? null : $"XPathContains comparison failed for path [{path}], expecting [{expected}], actual was [{actual}]";
            }

            default:
                return $"assertion type '{(string?)assertion.Attribute("type")}' is not supported by this runner";
        }
    }

    private void RunTransfers(CaseRun run, StepState step, string where)
    {
        foreach (var transfer in step.Element.Element(Con + "config")!.Elements(Con + "transfers").Where(t => (string?)t.Attribute("disabled") != "true"))
        {
            var name = $"{where} / transfer '{(string?)transfer.Element(Con + "name")}'";
            TransferCount++;
            var sourceLanguage = (string?)transfer.Element(Con + "type") ?? "XPATH";
            var targetLanguage = (string?)transfer.Element(Con + "targetTransferType") ?? sourceLanguage;
            if (sourceLanguage != "XPATH" || targetLanguage != "XPATH")
            {
                Fail(name, $"transfer language {sourceLanguage}/{targetLanguage} is not supported by this runner");
                continue;
            }

            var sourceValue = ReadProperty(run, (string)transfer.Element(Con + "sourceStep")!, (string)transfer.Element(Con + "sourceType")!);
            var sourcePath = (string?)transfer.Element(Con + "sourcePath");
            string? value = sourceValue;
            if (!string.IsNullOrWhiteSpace(sourcePath))
            {
                var document = TryParse(sourceValue ?? "") ?? throw new InvalidDataException("the transfer source is not XML");
                value = EvaluateXPath(document, sourcePath, out var found);
                if (!found)
                {
                    if ((string?)transfer.Attribute("setNullOnMissingSource") != "true")
                    {
                        Fail(name, $"Missing match for Source XPath [{sourcePath}]");
                        continue;
                    }

                    value = null;
                }
            }

            var targetStep = (string)transfer.Element(Con + "targetStep")!;
            var targetProperty = (string)transfer.Element(Con + "targetType")!;
            var targetPath = (string?)transfer.Element(Con + "targetPath");
            if (string.IsNullOrWhiteSpace(targetPath))
            {
                WriteProperty(run, targetStep, targetProperty, value);
            }
            else
            {
                var targetDocument = TryParse(ReadProperty(run, targetStep, targetProperty) ?? "") ?? throw new InvalidDataException("the transfer target is not XML");
                var (resolver, expression) = Compile(targetPath);
                var nodes = ((System.Collections.IEnumerable)targetDocument.XPathEvaluate(expression, resolver)).OfType<XObject>().ToList();
                if (nodes.Count == 0)
                {
                    Fail(name, $"Missing match for Target XPath [{targetPath}]");
                    continue;
                }

                foreach (var node in (string?)transfer.Attribute("transferToAll") == "true" ? nodes : nodes.Take(1))
                {
                    switch (node)
                    {
                        case XElement element:
                            element.Value = value ?? "";
                            break;
                        case XAttribute attribute:
                            attribute.Value = value ?? "";
                            break;
                        default:
                            throw new InvalidDataException("a transfer target must be an element or an attribute");
                    }
                }

                WriteProperty(run, targetStep, targetProperty, targetDocument.ToString(SaveOptions.DisableFormatting));
            }

            // The length only: what moves is usually a credential, and test output is kept.
            log.Add($"{name}: transferred {value?.Length ?? 0} characters");
        }
    }

    private static string? ReadProperty(CaseRun run, string owner, string property) => owner switch
    {
        "#TestCase#" => run.CaseProperties.TryGetValue(property, out var v) ? v : throw new KeyNotFoundException($"test case property '{property}'"),
        "#TestSuite#" => run.SuiteProperties.TryGetValue(property, out var v) ? v : throw new KeyNotFoundException($"test suite property '{property}'"),
        "#Project#" => run.ProjectProperties.TryGetValue(property, out var v) ? v : throw new KeyNotFoundException($"project property '{property}'"),
        _ => run.Steps.TryGetValue(owner, out var step) ? step.Read(property) : throw new KeyNotFoundException($"test step '{owner}'"),
    };

    private static void WriteProperty(CaseRun run, string owner, string property, string? value)
    {
        switch (owner)
        {
            case "#TestCase#":
                run.CaseProperties[property] = value;
                break;
            case "#TestSuite#":
                run.SuiteProperties[property] = value;
                break;
            case "#Project#":
                run.ProjectProperties[property] = value;
                break;
            default:
                var step = run.Steps.TryGetValue(owner, out var found) ? found : throw new KeyNotFoundException($"test step '{owner}'");
                step.Write(property, value);
                break;
        }
    }

    /// <summary>
    /// SoapUI property expansion: <c>${#TestCase#name}</c> (and #TestSuite#, #Project#), <c>${Step#Property}</c> and
    /// <c>${Step#Property#xpath}</c> (the XPath evaluated on the property's XML). Anything else (scripts, globals,
    /// unknown names) is refused rather than expanded to the empty string as SoapUI would.
    /// </summary>
    private string Expand(CaseRun run, string text, string where) => Expansion().Replace(text, match =>
    {
        var inner = match.Groups[1].Value;
        if (inner.StartsWith('='))
        {
            throw new InvalidDataException($"{where}: script expansion ${{{inner}}} is not supported by this runner");
        }

        string owner;
        string rest;
        if (inner.StartsWith('#'))
        {
            var close = inner.IndexOf('#', 1);
            owner = inner[..(close + 1)];
            rest = inner[(close + 1)..];
        }
        else
        {
            var hash = inner.IndexOf('#', StringComparison.Ordinal);
            if (hash < 0)
            {
                throw new InvalidDataException($"{where}: expansion ${{{inner}}} names no scope or step");
            }

            owner = inner[..hash];
            rest = inner[(hash + 1)..];
        }

        var pathAt = rest.IndexOf('#', StringComparison.Ordinal);
        var property = pathAt < 0 ? rest : rest[..pathAt];
        var value = ReadProperty(run, owner, property) ?? "";
        if (pathAt < 0)
        {
            return value;
        }

        var document = TryParse(value) ?? throw new InvalidDataException($"{where}: ${{{inner}}}: the property is not XML");
        return EvaluateXPath(document, rest[(pathAt + 1)..], out var found) ?? (found ? "" : throw new InvalidDataException($"{where}: ${{{inner}}}: no match"));
    });

    private Uri Rewrite(string endpoint)
    {
        var original = new Uri(endpoint);
        return new Uri(endpointBase, original.PathAndQuery.TrimStart('/'));
    }

    /// <summary>An XPath with SoapUI's <c>declare namespace p='uri';</c> prologue: the string value of its result.</summary>
    private static string? EvaluateXPath(XDocument document, string path, out bool found)
    {
        var (resolver, expression) = Compile(path);
        var result = document.XPathEvaluate(expression, resolver);
        switch (result)
        {
            case bool b:
                found = true;
                return b ? "true" : "false";
            case double d:
                found = true;
                return d == Math.Floor(d) && !double.IsInfinity(d) ? ((long)d).ToString(CultureInfo.InvariantCulture) : d.ToString(CultureInfo.InvariantCulture);
            case string s:
                found = true;
                return s;
            case System.Collections.IEnumerable nodes:
                var first = nodes.OfType<XObject>().FirstOrDefault();
                found = first is not null;
                return first switch
                {
                    XElement e => e.Value,
                    XAttribute a => a.Value,
                    XText t => t.Value,
                    _ => null,
                };
            default:
                found = false;
                return null;
        }
    }

    private static (IXmlNamespaceResolver Resolver, string Expression) Compile(string path)
    {
        var manager = new XmlNamespaceManager(new NameTable());
        var rest = path.Trim();
        while (Declaration().Match(rest) is { Success: true } declaration)
        {
            manager.AddNamespace(declaration.Groups["prefix"].Value, declaration.Groups["uri"].Value);
            rest = rest[declaration.Length..].TrimStart();
        }

        return (manager, rest);
    }

    /// <summary>SoapUI's XPath Match with allowWildcards: '*' in the expected text stands for any text.</summary>
    private static bool Matches(string actual, string expected, bool wildcards) =>
        wildcards
            ? Regex.IsMatch(actual, "^" + string.Join(".*", expected.Split('*').Select(Regex.Escape)) + "$", RegexOptions.Singleline)
            : actual == expected;

    private static bool IsFault(string response, string envelopeNamespace) =>
        TryParse(response)?.Root?.Element(XName.Get("Body", envelopeNamespace))?.Elements().FirstOrDefault()?.Name == XName.Get("Fault", envelopeNamespace);

    private static XDocument? TryParse(string xml)
    {
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
            return XDocument.Load(reader);
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static bool Enabled(XElement element) => (string?)element.Attribute("disabled") != "true";

    private static Dictionary<string, string?> Properties(XElement owner) =>
        owner.Element(Con + "properties")?.Elements(Con + "property")
            .ToDictionary(p => (string)p.Element(Con + "name")!, p => (string?)p.Element(Con + "value"))
        ?? [];

    private void Fail(string where, string message)
    {
        failures.Add($"{where}: {message}");
        log.Add($"{where}: FAILED {message}");
    }

    [GeneratedRegex(@"\$\{(.*?)\}", RegexOptions.Singleline)]
    private static partial Regex Expansion();

    [GeneratedRegex(@"^declare\s+namespace\s+(?<prefix>[\w.-]+)\s*=\s*['""](?<uri>[^'""]*)['""]\s*;", RegexOptions.Singleline)]
    private static partial Regex Declaration();

    private sealed class CaseRun(string name, Dictionary<string, string?> project, Dictionary<string, string?> suite, Dictionary<string, string?> testCase)
    {
        public string Name { get; } = name;

        public Dictionary<string, string?> ProjectProperties { get; } = project;

        public Dictionary<string, string?> SuiteProperties { get; } = suite;

        public Dictionary<string, string?> CaseProperties { get; } = testCase;

        /// <summary>The steps in file order (a Dictionary keeps insertion order while nothing is removed).</summary>
        public Dictionary<string, StepState> Steps { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>A step's properties as SoapUI names them: Request (the request text, which transfers may change), Response, Endpoint.</summary>
    private sealed class StepState(XElement element)
    {
        public XElement Element { get; } = element;

        public string Name { get; } = (string)element.Attribute("name")!;

        /// <summary>The request text once a transfer changed it; null while it is as written.</summary>
        public string? Request { get; set; }

        public string? SentRequest { get; set; }

        public string? Response { get; set; }

        public int Status { get; set; }

        public string? Read(string property) => property switch
        {
            "Request" => Request ?? (string?)Element.Element(Con + "config")?.Element(Con + "request")?.Element(Con + "request"),
            "Response" => Response ?? throw new InvalidDataException($"step '{Name}' has no response yet"),
            "RawRequest" => SentRequest,
            _ => throw new KeyNotFoundException($"step property '{property}' of '{Name}'"),
        };

        public void Write(string property, string? value)
        {
            if (property != "Request")
            {
                throw new InvalidDataException($"step property '{property}' of '{Name}' cannot be written by this runner");
            }

            Request = value;
        }
    }
}

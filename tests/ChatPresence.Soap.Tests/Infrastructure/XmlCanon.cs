using System.Text;
using System.Xml.Linq;

namespace ChatPresence.Soap.Tests.Infrastructure;

/// <summary>
/// A tiny canonical form for comparing XML (System.Security.Cryptography.Xml is not available): element and attribute
/// names as namespace-URI + local name, namespace declarations dropped, attributes sorted, QName values resolved
/// against their in-scope namespaces, text trimmed. Prefixes and whitespace between elements never matter.
/// </summary>
public static class XmlCanon
{
    private static readonly HashSet<string> QNameAttributes = ["type", "element", "base", "message", "binding", "ref"];

    public static string Canonicalize(XElement element)
    {
        var builder = new StringBuilder();
        Write(element, builder, 0);
        return builder.ToString();
    }

    public static string Canonicalize(string xml) => Canonicalize(XDocument.Parse(xml).Root!);

    private static void Write(XElement element, StringBuilder builder, int depth)
    {
        builder.Append(' ', depth * 2).Append('{').Append(element.Name.NamespaceName).Append('}').Append(element.Name.LocalName);
        foreach (var attribute in element.Attributes().Where(a => !a.IsNamespaceDeclaration)
                     .OrderBy(a => a.Name.NamespaceName, StringComparer.Ordinal).ThenBy(a => a.Name.LocalName, StringComparer.Ordinal))
        {
            builder.Append(' ').Append('{').Append(attribute.Name.NamespaceName).Append('}').Append(attribute.Name.LocalName)
                .Append("=\"").Append(Value(element, attribute)).Append('"');
        }

        builder.Append('\n');
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XElement child:
                    Write(child, builder, depth + 1);
                    break;
                case XText text when !string.IsNullOrWhiteSpace(text.Value):
                    builder.Append(' ', (depth + 1) * 2).Append('"').Append(text.Value.Trim()).Append("\"\n");
                    break;
            }
        }
    }

    private static string Value(XElement element, XAttribute attribute)
    {
        var isQName = (attribute.Name.Namespace == XNamespace.None && QNameAttributes.Contains(attribute.Name.LocalName))
            || attribute.Name.LocalName == "type" && attribute.Name.NamespaceName == SoapMessages.Xsi;
        var colon = attribute.Value.IndexOf(':');
        if (!isQName || colon < 0)
        {
            return attribute.Value;
        }

        var ns = element.GetNamespaceOfPrefix(attribute.Value[..colon]);
        return ns is null ? attribute.Value : "{" + ns.NamespaceName + "}" + attribute.Value[(colon + 1)..];
    }
}

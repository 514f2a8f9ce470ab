using System.Xml.Linq;

namespace ChatPresence.Tests;

/// <summary>The namespaces a test reads the served WSDL and XSD with.</summary>
public static class WsdlNames
{
    public static readonly XNamespace Wsdl = "http://schemas.xmlsoap.org/wsdl/";
    public static readonly XNamespace Xs = "http://www.w3.org/2001/XMLSchema";
    public static readonly XNamespace Soap11Binding = "http://schemas.xmlsoap.org/wsdl/soap/";
    public static readonly XNamespace Soap12Binding = "http://schemas.xmlsoap.org/wsdl/soap12/";
    public static readonly XNamespace Wsaw = "http://www.w3.org/2006/05/addressing/wsdl";
}

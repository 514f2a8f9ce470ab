using System.Net;
using System.Text;

namespace ChatPresence.Soap;

/// <summary>
/// The HTML page a WCF service answers to <c>GET …/X.svc</c> with no query ("You have created a service."), with the
/// <c>svcutil.exe …?wsdl</c> and <c>?singleWsdl</c> addresses rewritten to the one the client used. The markup is
/// WCF's (CoreWCF Description/ServiceMetadataExtension.cs, MetadataOnHelpPageResult; its expected page in
/// src/CoreWCF.Metadata/tests/HelpPages/HelpPageTests.html), without the <c>?disco</c> link: no DISCO document is served.
/// </summary>
internal static class ServiceHelpPage
{
    private const string Style =
        "#content{ FONT-SIZE: 0.7em; PADDING-BOTTOM: 2em; MARGIN-LEFT: 30px}BODY{MARGIN-TOP: 0px; MARGIN-LEFT: 0px; COLOR: #000000; FONT-FAMILY: Verdana; BACKGROUND-COLOR: white}" +
        "P{MARGIN-TOP: 0px; MARGIN-BOTTOM: 12px; COLOR: #000000; FONT-FAMILY: Verdana}PRE{BORDER-RIGHT: #f0f0e0 1px solid; PADDING-RIGHT: 5px; BORDER-TOP: #f0f0e0 1px solid; MARGIN-TOP: -5px; PADDING-LEFT: 5px; FONT-SIZE: 1.2em; PADDING-BOTTOM: 5px; BORDER-LEFT: #f0f0e0 1px solid; PADDING-TOP: 5px; BORDER-BOTTOM: #f0f0e0 1px solid; FONT-FAMILY: Courier New; BACKGROUND-COLOR: #e5e5cc}" +
        ".heading1{MARGIN-TOP: 0px; PADDING-LEFT: 15px; FONT-WEIGHT: normal; FONT-SIZE: 26px; MARGIN-BOTTOM: 0px; PADDING-BOTTOM: 3px; MARGIN-LEFT: -30px; WIDTH: 100%; COLOR: #ffffff; PADDING-TOP: 10px; FONT-FAMILY: Tahoma; BACKGROUND-COLOR: #003366}.intro{display: block; font-size: 1em;}";

    public const string ContentType = "text/html; charset=UTF-8";

    /// <summary>The page for <paramref name="service"/> served at <paramref name="address"/> (UTF-8).</summary>
    public static byte[] Render(SoapService service, string address)
    {
        var wsdl = WsdlDocument.For(service);
        var title = WebUtility.HtmlEncode(wsdl.ServiceName) + " Service";
        var client = (service == SoapService.Chat ? "Chat" : "SoPrincipal") + "Client";
        var url = WebUtility.HtmlEncode(address);
        var html = new StringBuilder(4096)
            .Append("<HTML lang=\"en\"><HEAD><STYLE type=\"text/css\">").Append(Style).Append("</STYLE><TITLE>").Append(title).Append("</TITLE></HEAD>")
            .Append("<BODY><DIV id=\"content\" role=\"main\"><h1 class=\"heading1\">").Append(title).Append("</h1><BR/>")
            .Append("<P class=\"intro\">You have created a service.<P class='intro'>To test this service, you will need to create a client and use it to call the service. ")
            .Append("You can do this using the svcutil.exe tool from the command line with the following syntax:</P> <BR/>")
            .Append("<PRE>svcutil.exe <A HREF=\"").Append(url).Append("?wsdl\">").Append(url).Append("?wsdl</A></PRE>")
            .Append("<P>You can also access the service description as a single file:<BR/><PRE><A HREF=\"").Append(url).Append("?singleWsdl\">").Append(url).Append("?singleWsdl</A></PRE></P></P>")
            .Append("<P class=\"intro\">This will generate a configuration file and a code file that contains the client class. ")
            .Append("Add the two files to your client application and use the generated client class to call the Service. For example:<BR/></P>")
            .Append("<h2 class='intro'>C#</h2><br /><PRE><font color=\"blue\">class </font><font color=\"black\">Test\n</font>{\n")
            .Append("<font color=\"blue\">    static void </font>Main()\n    {\n        <font color=\"black\">").Append(client).Append("</font> client = <font color=\"blue\">new </font><font color=\"black\">").Append(client).Append("</font>();\n\n")
            .Append("<font color=\"darkgreen\">        // Use the 'client' variable to call operations on the service.\n\n</font><font color=\"darkgreen\">        // Always close the client.\n</font>        client.Close();\n    }\n}\n</PRE><BR/>")
            .Append("<h2 class='intro'>Visual Basic</h2><br /><PRE><font color=\"blue\">Class </font><font color=\"black\">Test\n</font><font color=\"blue\">    Shared Sub </font>Main()\n")
            .Append("<font color=\"blue\">        Dim </font>client As <font color=\"black\">").Append(client).Append("</font> = <font color=\"blue\">New </font><font color=\"black\">").Append(client).Append("</font>()\n")
            .Append("<font color=\"darkgreen\">        ' Use the 'client' variable to call operations on the service.\n\n</font><font color=\"darkgreen\">        ' Always close the client.\n</font>        client.Close()\n")
            .Append("<font color=\"blue\">    End Sub\n</font><font color=\"blue\">End Class</font></PRE></DIV></BODY></HTML>");
        return Encoding.UTF8.GetBytes(html.ToString());
    }
}

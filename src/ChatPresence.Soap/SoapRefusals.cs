using ChatPresence.Contract.Refusals;

namespace ChatPresence.Soap;

/// <summary>
/// The one table from refusals of an operation to what SOAP says: a reply with <c>Succeeded=false</c> and an
/// ExceptionInfo whose ExceptionType names the reason (SuperOffice's wording), never a fault. Refusals of the
/// envelope itself, before an operation is reached, are faults: <see cref="SoapFault.For"/>.
/// </summary>
internal static class SoapRefusals
{
    public static string ExceptionTypeOf(RefusalReason reason) => reason switch
    {
        RefusalReason.Unexpected => "UnexpectedError",
        _ => reason.ToString(),
    };

    /// <summary>The ExceptionInfo for <paramref name="reason"/>: the text is both Message and FriendlyText.</summary>
    public static SoapExceptionInfo InfoFor(RefusalReason reason, string text, string source, string? stackTrace) =>
        new(text, text, ExceptionTypeOf(reason), source, stackTrace);
}

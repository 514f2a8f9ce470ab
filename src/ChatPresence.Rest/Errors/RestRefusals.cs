using ChatPresence.Contract.Refusals;
using ChatPresence.Contract.Text;
using ChatPresence.Domain.Text;

namespace ChatPresence.Rest.Errors;

/// <summary>
/// The refusals REST decides on the wire (body type, size, syntax, Accept, route), each a
/// <see cref="RefusalReason"/> with its text in the caller's language; <see cref="ErrorMap"/> gives status and ErrorType.
/// </summary>
internal static class RestRefusals
{
    public static RefusalException Malformed(string language, string detail) =>
        new(RefusalReason.InvalidRequest, Texts.Get(language, TextId.InvalidRequest, detail));

    public static RefusalException UnsupportedMediaType(string language, string? contentType) =>
        new(RefusalReason.UnsupportedMediaType,
            WireTexts.Get(language, WireTextId.UnsupportedMediaType, contentType ?? string.Empty, string.Join(", ", Formatting.MediaTypes.RequestTypes)));

    public static RefusalException NotAcceptable(string language, string? accept) =>
        new(RefusalReason.NotAcceptable,
            WireTexts.Get(language, WireTextId.NotAcceptable, accept ?? string.Empty, string.Join(", ", Formatting.MediaTypes.ReplyTypes)));

    public static RefusalException TooLarge(string language, int limit) =>
        new(RefusalReason.PayloadTooLarge, WireTexts.Get(language, WireTextId.PayloadTooLarge, limit));

    public static RefusalException RouteNotFound(string language, string path) =>
        new(RefusalReason.RouteNotFound, WireTexts.Get(language, WireTextId.RouteNotFound, path));

    public static RefusalException MethodNotAllowed(string language, string method, string path) =>
        new(RefusalReason.MethodNotAllowed, WireTexts.Get(language, WireTextId.MethodNotAllowed, method, path));

    public static RefusalException CrossSiteRequest(string language) =>
        new(RefusalReason.CrossSiteRequestRefused, WireTexts.Get(language, WireTextId.CrossSiteRequestRefused));
}

using ChatPresence.Contract.Refusals;
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
            Texts.Get(language, TextId.UnsupportedMediaType, contentType ?? string.Empty, string.Join(", ", Formatting.MediaTypes.RequestTypes)));

    public static RefusalException NotAcceptable(string language, string? accept) =>
        new(RefusalReason.NotAcceptable,
            Texts.Get(language, TextId.NotAcceptable, accept ?? string.Empty, string.Join(", ", Formatting.MediaTypes.ReplyTypes)));

    public static RefusalException TooLarge(string language, int limit) =>
        new(RefusalReason.PayloadTooLarge, Texts.Get(language, TextId.PayloadTooLarge, limit));

    public static RefusalException RouteNotFound(string language, string path) =>
        new(RefusalReason.RouteNotFound, Texts.Get(language, TextId.RouteNotFound, path));

    public static RefusalException MethodNotAllowed(string language, string method, string path) =>
        new(RefusalReason.MethodNotAllowed, Texts.Get(language, TextId.MethodNotAllowed, method, path));

    public static RefusalException CrossSiteRequest(string language) =>
        new(RefusalReason.CrossSiteRequestRefused, Texts.Get(language, TextId.CrossSiteRequestRefused));
}

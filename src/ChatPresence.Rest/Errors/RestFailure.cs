using ChatPresence.Domain;
using ChatPresence.Domain.Text;
using Microsoft.AspNetCore.Http;

namespace ChatPresence.Rest.Errors;

/// <summary>
/// A refusal decided by the facade itself (wire-level problems the domain never sees: body type, size, syntax,
/// Accept, route). Carries its HTTP status and the SuperOffice ErrorType.
/// </summary>
public sealed class RestFailure(int status, string errorType, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string ErrorType { get; } = errorType;

    public static RestFailure Malformed(string language, string detail) =>
        new(StatusCodes.Status400BadRequest, nameof(FailureReason.InvalidRequest), Texts.Get(language, TextId.InvalidRequest, detail));

    public static RestFailure UnsupportedMediaType(string language, string? contentType) =>
        new(StatusCodes.Status415UnsupportedMediaType, "UnsupportedMediaType",
            Texts.Get(language, TextId.UnsupportedMediaType, contentType ?? string.Empty, string.Join(", ", Formatting.MediaTypes.RequestTypes)));

    public static RestFailure NotAcceptable(string language, string? accept) =>
        new(StatusCodes.Status406NotAcceptable, "NotAcceptable",
            Texts.Get(language, TextId.NotAcceptable, accept ?? string.Empty, string.Join(", ", Formatting.MediaTypes.ReplyTypes)));

    public static RestFailure TooLarge(string language, int limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "PayloadTooLarge",
            Texts.Get(language, TextId.PayloadTooLarge, limit));

    public static RestFailure RouteNotFound(string language, string path) =>
        new(StatusCodes.Status404NotFound, "NotFound", Texts.Get(language, TextId.RouteNotFound, path));

    public static RestFailure MethodNotAllowed(string language, string method, string path) =>
        new(StatusCodes.Status405MethodNotAllowed, "MethodNotAllowed", Texts.Get(language, TextId.MethodNotAllowed, method, path));
}

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
            Texts.Get(language, TextId.InvalidRequest, $"the body type '{contentType}' is not supported; use one of {string.Join(", ", Formatting.MediaTypes.RequestTypes)}"));

    public static RestFailure NotAcceptable(string language, string? accept) =>
        new(StatusCodes.Status406NotAcceptable, "NotAcceptable",
            Texts.Get(language, TextId.InvalidRequest, $"no reply type in Accept '{accept}' can be produced; use one of {string.Join(", ", Formatting.MediaTypes.ReplyTypes)}"));

    public static RestFailure TooLarge(string language, int limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "PayloadTooLarge",
            Texts.Get(language, TextId.InvalidRequest, $"the body is larger than {limit} bytes"));

    public static RestFailure RouteNotFound(string language, string path) =>
        new(StatusCodes.Status404NotFound, "NotFound", Texts.Get(language, TextId.InvalidRequest, $"there is no route '{path}'"));

    public static RestFailure MethodNotAllowed(string language, string method, string path) =>
        new(StatusCodes.Status405MethodNotAllowed, "MethodNotAllowed", Texts.Get(language, TextId.InvalidRequest, $"{method} is not allowed on '{path}'"));
}

using System.ComponentModel;
using System.Text.Json.Serialization;

namespace ChatPresence.Rest.Endpoints;

// Shapes for the OpenAPI description only: the facade reads and writes the wire formats itself (Formatting/,
// Binding/). Names are pinned to PascalCase.

/// <summary>A chat user's presence, topics, ongoing chats and the caller's rights on the row.</summary>
[JsonNumberHandling(JsonNumberHandling.Strict)]
internal sealed record ChatPresenceDocument(
    [property: JsonPropertyName("UserId"), Description("The id for the chat user")] int UserId,
    [property: JsonPropertyName("DisplayName"), Description("The display name of the chat user")] string? DisplayName,
    [property: JsonPropertyName("OngoingChats"), Description("The number of ongoing chats this user has now")] int OngoingChats,
    [property: JsonPropertyName("Present"), Description("Whether the user has the chat presence turned on")] bool Present,
    [property: JsonPropertyName("ChatTopics"), Description("Ids of the chat topics the user is a member of")] int[]? ChatTopics,
    [property: JsonPropertyName("TableRight"), Description("The caller's right on this row")] TableRightDocument? TableRight,
    [property: JsonPropertyName("FieldProperties"), Description("Field name → the caller's right on that field")] Dictionary<string, FieldPropertyDocument?>? FieldProperties);

[JsonNumberHandling(JsonNumberHandling.Strict)]
internal sealed record TableRightDocument(
    [property: JsonPropertyName("Mask"), Description("Flag names joined by \", \" (Select, Update, Insert, Delete, Filtering, RestrictedUpdate); input also accepts numbers and the aliases R, UR, RI, URI, UDR, FULL, F, RF, FI.")] string Mask,
    [property: JsonPropertyName("Reason")] string? Reason);

[JsonNumberHandling(JsonNumberHandling.Strict)]
internal sealed record FieldPropertyDocument(
    [property: JsonPropertyName("FieldRight")] FieldRightDocument? FieldRight,
    [property: JsonPropertyName("FieldType")] string? FieldType,
    [property: JsonPropertyName("FieldLength")] int FieldLength);

[JsonNumberHandling(JsonNumberHandling.Strict)]
internal sealed record FieldRightDocument(
    [property: JsonPropertyName("Mask"), Description("Flag names joined by \", \" (Read, Write, UIHintMandatory, UIHintReadOnly, …); input also accepts numbers and the aliases Update/FULL (Read, Write), Nullable, UIHints.")] string Mask,
    [property: JsonPropertyName("Reason")] string? Reason);

/// <summary>The SaveChatPresence body. Only UserId and Present are used (both required); the last entry for a user wins.</summary>
[JsonNumberHandling(JsonNumberHandling.Strict)]
internal sealed record SaveChatPresenceRequest([property: JsonPropertyName("ChatPresence")] ChatPresenceDocument[] ChatPresence);

/// <summary>The IsWithinOpeningHours body.</summary>
[JsonNumberHandling(JsonNumberHandling.Strict)]
internal sealed record IsWithinOpeningHoursRequest([property: JsonPropertyName("ChatTopicId")] int ChatTopicId);

/// <summary>What a GET on an agent route answers.</summary>
[JsonNumberHandling(JsonNumberHandling.Strict)]
internal sealed record CallDescriptionDocument(
    [property: JsonPropertyName("Method")] string Method,
    [property: JsonPropertyName("Route")] string Route,
    [property: JsonPropertyName("Description")] string Description,
    [property: JsonPropertyName("Request")] string Request,
    [property: JsonPropertyName("Response")] string Response,
    [property: JsonPropertyName("OpenApi")] string OpenApi);

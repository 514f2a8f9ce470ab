namespace ChatPresence.Rest.Endpoints;

/// <summary>The routes below /api/v1 and their methods (for 405 answers and tests).</summary>
internal static class RestRoutes
{
    public const string GetChatPresence = "/Agents/Chat/GetChatPresence";
    public const string SaveChatPresence = "/Agents/Chat/SaveChatPresence";
    public const string IsWithinOpeningHours = "/Agents/Chat/IsWithinOpeningHours";
    public const string GetAll = "/Presence/GetAll";
    public const string SaveAll = "/Presence/SaveAll";
    public const string Stream = "/Presence/Stream";
    public const string Board = "/Presence/Board";
    public const string Login = "/Login";
    public const string Logout = "/Logout";

    private static readonly Dictionary<string, string> Methods = new(StringComparer.OrdinalIgnoreCase)
    {
        [GetChatPresence] = "GET, HEAD, POST",
        [SaveChatPresence] = "GET, HEAD, POST",
        [IsWithinOpeningHours] = "GET, HEAD, POST",
        [GetAll] = "GET, HEAD",
        [SaveAll] = "POST",
        [Stream] = "GET",
        [Board] = "GET",
        [Login] = "POST",
        [Logout] = "POST",
    };

    /// <summary>The Allow header for a known route, or null.</summary>
    public static string? Allowed(string route) => Methods.GetValueOrDefault(route);
}

/// <summary>Marks endpoints of this facade (the OpenAPI document describes only these).</summary>
internal sealed class RestApiMarker
{
    public static readonly RestApiMarker Instance = new();
}

/// <summary>The request body an endpoint reads itself, for the OpenAPI description (no routing constraint).</summary>
internal sealed record RestBodyMetadata(Type BodyType, string Description);

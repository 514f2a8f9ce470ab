namespace ChatPresence.Domain;

/// <summary>An authenticated caller: the chat user behind the credentials, and the language for texts.</summary>
public sealed record Caller(int UserId, string Language);

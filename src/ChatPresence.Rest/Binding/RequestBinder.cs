using ChatPresence.Contract.Presence;

namespace ChatPresence.Rest.Binding;

/// <summary>
/// Turns a body tree into the arguments of an <c>IChatAgent</c> call. Pure translation: a save's entries become
/// <see cref="SaveEntry"/>s as they came (a missing or null UserId/Present stays null), and <see cref="SaveEntries"/>
/// decides for SOAP and REST alike what is required; the carrier's other members are not read (SOAP ignores them
/// too). A UserId or Present of the wrong type is still a 400: it is not a value of the contract's type.
/// </summary>
internal static class RequestBinder
{
    /// <summary>SaveChatPresence: <c>{"ChatPresence":[…]}</c>.</summary>
    public static IReadOnlyList<SaveEntry?> BindSaveChatPresence(BodyNode root)
    {
        var list = root.Member("ChatPresence");
        if (list is null || list.IsNull)
        {
            throw new BindingException("ChatPresence is required");
        }

        return BindList(list);
    }

    /// <summary>Presence/SaveAll: a bare array.</summary>
    public static IReadOnlyList<SaveEntry?> BindList(BodyNode list)
    {
        if (list.IsNull)
        {
            throw new BindingException($"{(list.Path.Length == 0 ? "the body" : list.Path)} must be an array");
        }

        var entries = new List<SaveEntry?>();
        foreach (var item in list.Items())
        {
            entries.Add(BindEntry(item));
        }

        return entries;
    }

    /// <summary>IsWithinOpeningHours: <c>{"ChatTopicId":n}</c>.</summary>
    public static int BindChatTopicId(BodyNode root) => Required(root, "ChatTopicId").GetInt32();

    /// <summary>Login: <c>{"UserName":…,"Password":…}</c>.</summary>
    public static (string UserName, string Password) BindLogin(BodyNode root) =>
        (Required(root, "UserName").GetString() ?? string.Empty, Required(root, "Password").GetString() ?? string.Empty);

    /// <summary>One entry; null for a null entry (refused by <see cref="SaveEntries"/>).</summary>
    public static SaveEntry? BindEntry(BodyNode node) =>
        node.IsNull ? null : new SaveEntry(Optional(node, "UserId")?.GetInt32(), Optional(node, "Present")?.GetBoolean());

    private static BodyNode Required(BodyNode node, string name)
    {
        var member = node.Member(name);
        if (member is null || member.IsNull)
        {
            var where = node.Path.Length == 0 ? name : node.Path + "." + name;
            throw new BindingException($"{where} is required");
        }

        return member;
    }

    private static BodyNode? Optional(BodyNode node, string name) => node.Member(name) is { IsNull: false } member ? member : null;
}

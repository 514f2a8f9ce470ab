using ChatPresence.Domain.Presence;
using ChatPresence.Domain.Rights;
using ChatPresence.Rest.Formatting;

namespace ChatPresence.Rest.Binding;

/// <summary>
/// Turns a body tree into the arguments of an <c>IChatAgent</c> call. Pure translation: which values are used, and
/// what an unknown user means, is the domain's business. UserId and Present are required on every entry (a
/// missing one is a 400, never a silent 0/false); the other members are bound (so a wrongly typed one is a 400)
/// and otherwise ignored by the domain.
/// </summary>
internal static class RequestBinder
{
    /// <summary>SaveChatPresence: <c>{"ChatPresence":[…]}</c>.</summary>
    public static IReadOnlyList<ChatPresenceCarrier> BindSaveChatPresence(BodyNode root)
    {
        var list = root.Member("ChatPresence");
        if (list is null || list.IsNull)
        {
            throw new BindingException("ChatPresence is required");
        }

        return BindList(list);
    }

    /// <summary>Presence/SaveAll: a bare array.</summary>
    public static IReadOnlyList<ChatPresenceCarrier> BindList(BodyNode list)
    {
        if (list.IsNull)
        {
            throw new BindingException($"{(list.Path.Length == 0 ? "the body" : list.Path)} must be an array");
        }

        var carriers = new List<ChatPresenceCarrier>();
        foreach (var item in list.Items())
        {
            carriers.Add(BindCarrier(item));
        }

        return carriers;
    }

    /// <summary>IsWithinOpeningHours: <c>{"ChatTopicId":n}</c>.</summary>
    public static int BindChatTopicId(BodyNode root) => Required(root, "ChatTopicId").GetInt32();

    /// <summary>Login: <c>{"UserName":…,"Password":…}</c>.</summary>
    public static (string UserName, string Password) BindLogin(BodyNode root) =>
        (Required(root, "UserName").GetString() ?? string.Empty, Required(root, "Password").GetString() ?? string.Empty);

    public static ChatPresenceCarrier BindCarrier(BodyNode node)
    {
        if (node.IsNull)
        {
            throw new BindingException($"{node.Path} is empty");
        }

        return new ChatPresenceCarrier
        {
            UserId = Required(node, "UserId").GetInt32(),
            Present = Required(node, "Present").GetBoolean(),
            DisplayName = Optional(node, "DisplayName")?.GetString(),
            OngoingChats = Optional(node, "OngoingChats")?.GetInt32() ?? 0,
            ChatTopics = Optional(node, "ChatTopics") is { } topics ? topics.Items().Select(t => t.GetInt32()).ToArray() : null,
            TableRight = Optional(node, "TableRight") is { } table ? BindTableRight(table) : null,
            FieldProperties = Optional(node, "FieldProperties") is { } fields ? BindFieldProperties(fields) : null,
        };
    }

    private static TableRight BindTableRight(BodyNode node)
    {
        var maskNode = Optional(node, "Mask");
        var mask = ETableRight.None;
        if (maskNode is not null && !MaskText.TryParseTable(maskNode.GetString(), out mask))
        {
            throw new BindingException($"{maskNode.Path} is not a table right mask");
        }

        return new TableRight(mask, Optional(node, "Reason")?.GetString() ?? string.Empty);
    }

    private static FieldPropertyDictionary BindFieldProperties(BodyNode node)
    {
        var entries = new List<KeyValuePair<string, FieldProperty>>();
        foreach (var (name, value) in node.Entries())
        {
            if (value.IsNull)
            {
                continue;
            }

            FieldRight? right = null;
            if (Optional(value, "FieldRight") is { } rightNode)
            {
                var maskNode = Optional(rightNode, "Mask");
                var mask = EFieldRight.None;
                if (maskNode is not null && !MaskText.TryParseField(maskNode.GetString(), out mask))
                {
                    throw new BindingException($"{maskNode.Path} is not a field right mask");
                }

                right = new FieldRight(mask, Optional(rightNode, "Reason")?.GetString() ?? string.Empty);
            }

            entries.Add(new(name, new FieldProperty(right, Optional(value, "FieldType")?.GetString(), Optional(value, "FieldLength")?.GetInt32() ?? 0)));
        }

        return new FieldPropertyDictionary(entries);
    }

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

using System.Globalization;
using ChatPresence.Contract.Rights;

namespace ChatPresence.Rest.Formatting;

/// <summary>
/// Rights masks as text. JSON uses .NET flag names joined by ", " (<c>"Select, Update"</c>); XML uses the
/// DataContract <c>xs:list</c> form (<c>Select Update</c>, empty for 0). Input accepts either separator, "|",
/// numbers, any case, and the documented SuperOffice aliases (FULL, UR, URI, UDR, R, RF, RI, F, FI for table
/// rights; Update, FULL, UIHints, Nullable for field rights).
/// </summary>
internal static class MaskText
{
    private static readonly Dictionary<string, int> TableAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["R"] = 1, ["UR"] = 3, ["RI"] = 5, ["URI"] = 7, ["UDR"] = 11, ["FULL"] = 15, ["F"] = 16, ["RF"] = 17,
        ["FI"] = 20, ["Unused1"] = 64, ["Uninitialized"] = 128,
    };

    private static readonly Dictionary<string, int> FieldAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Update"] = 3, ["FULL"] = 3, ["Nullable"] = 32, ["UIHints"] = 192,
    };

    public static string ToJson(ETableRight mask) => MaskNames.CommaSeparated(mask);

    public static string ToXml(ETableRight mask) => MaskNames.SpaceSeparated(mask);

    public static string ToJson(EFieldRight mask) => MaskNames.CommaSeparated(mask);

    public static string ToXml(EFieldRight mask) => MaskNames.SpaceSeparated(mask);

    public static bool TryParseTable(string? text, out ETableRight mask)
    {
        var ok = TryParse<ETableRight>(text, TableAliases, out var value);
        mask = (ETableRight)value;
        return ok;
    }

    public static bool TryParseField(string? text, out EFieldRight mask)
    {
        var ok = TryParse<EFieldRight>(text, FieldAliases, out var value);
        mask = (EFieldRight)value;
        return ok;
    }

    private static bool TryParse<TEnum>(string? text, Dictionary<string, int> aliases, out int value)
        where TEnum : struct, Enum
    {
        value = 0;
        if (text is null)
        {
            return false;
        }

        foreach (var part in text.Split([',', ' ', '|', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= 0)
            {
                value |= number;
            }
            else if (aliases.TryGetValue(part, out var alias))
            {
                value |= alias;
            }
            else if (!char.IsDigit(part[0]) && part[0] != '-' && Enum.TryParse<TEnum>(part, ignoreCase: true, out var named))
            {
                value |= Convert.ToInt32(named, CultureInfo.InvariantCulture);
            }
            else
            {
                return false;
            }
        }

        return true;
    }
}

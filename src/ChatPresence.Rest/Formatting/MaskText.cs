using System.Globalization;
using ChatPresence.Domain.Rights;

namespace ChatPresence.Rest.Formatting;

/// <summary>
/// Rights masks as text. JSON uses .NET flag names joined by ", " (<c>"Select, Update"</c>); XML uses the
/// DataContract <c>xs:list</c> form (<c>Select Update</c>, empty for 0). Input accepts either separator, "|",
/// numbers, any case, and the documented SuperOffice aliases (FULL, UR, URI, UDR, R, RF, RI, F, FI for table
/// rights; Update, FULL, UIHints, Nullable for field rights).
/// </summary>
public static class MaskText
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

    private static readonly string[] TableJson = Build<ETableRight>(64, json: true);
    private static readonly string[] TableXml = Build<ETableRight>(64, json: false);
    private static readonly string[] FieldJson = Build<EFieldRight>(512, json: true);
    private static readonly string[] FieldXml = Build<EFieldRight>(512, json: false);

    public static string ToJson(ETableRight mask) => Lookup(TableJson, (int)mask, json: true, static v => ((ETableRight)v).ToString());

    public static string ToXml(ETableRight mask) => Lookup(TableXml, (int)mask, json: false, static v => ((ETableRight)v).ToString());

    public static string ToJson(EFieldRight mask) => Lookup(FieldJson, (int)mask, json: true, static v => ((EFieldRight)v).ToString());

    public static string ToXml(EFieldRight mask) => Lookup(FieldXml, (int)mask, json: false, static v => ((EFieldRight)v).ToString());

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

    private static string[] Build<TEnum>(int count, bool json)
        where TEnum : struct, Enum
    {
        var names = new string[count];
        for (var i = 0; i < count; i++)
        {
            names[i] = Format(Enum.ToObject(typeof(TEnum), i).ToString()!, i, json);
        }

        return names;
    }

    private static string Lookup(string[] table, int value, bool json, Func<int, string> fallback) =>
        (uint)value < (uint)table.Length ? table[value] : Format(fallback(value), value, json);

    private static string Format(string dotnet, int value, bool json) =>
        json ? dotnet : value == 0 ? string.Empty : dotnet.Replace(", ", " ", StringComparison.Ordinal);
}

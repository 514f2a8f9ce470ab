namespace ChatPresence.Contract.Rights;

/// <summary>
/// Rights masks as text, the one flag-name table both facades use: comma-separated .NET flag names for JSON
/// (<c>"Select, Update"</c>, <c>"None"</c> for 0) and space-separated for XML's <c>xs:list</c> (<c>Select Update</c>,
/// empty for 0). Every value a mask can take is formatted once, up front.
/// </summary>
internal static class MaskNames
{
    private static readonly string[] TableComma = Build<ETableRight>(64, comma: true);
    private static readonly string[] TableSpace = Build<ETableRight>(64, comma: false);
    private static readonly string[] FieldComma = Build<EFieldRight>(512, comma: true);
    private static readonly string[] FieldSpace = Build<EFieldRight>(512, comma: false);

    public static string CommaSeparated(ETableRight mask) => Lookup(TableComma, (int)mask, comma: true, static v => ((ETableRight)v).ToString());

    public static string SpaceSeparated(ETableRight mask) => Lookup(TableSpace, (int)mask, comma: false, static v => ((ETableRight)v).ToString());

    public static string CommaSeparated(EFieldRight mask) => Lookup(FieldComma, (int)mask, comma: true, static v => ((EFieldRight)v).ToString());

    public static string SpaceSeparated(EFieldRight mask) => Lookup(FieldSpace, (int)mask, comma: false, static v => ((EFieldRight)v).ToString());

    private static string[] Build<TEnum>(int count, bool comma)
        where TEnum : struct, Enum
    {
        var names = new string[count];
        for (var i = 0; i < count; i++)
        {
            names[i] = Format(Enum.ToObject(typeof(TEnum), i).ToString()!, i, comma);
        }

        return names;
    }

    private static string Lookup(string[] table, int value, bool comma, Func<int, string> fallback) =>
        (uint)value < (uint)table.Length ? table[value] : Format(fallback(value), value, comma);

    private static string Format(string dotnet, int value, bool comma) =>
        comma ? dotnet : value == 0 ? string.Empty : dotnet.Replace(", ", " ", StringComparison.Ordinal);
}

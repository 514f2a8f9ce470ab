using System.Globalization;
using ChatPresence.Domain.Text;

namespace ChatPresence.Contract.Language;

/// <summary>
/// The language a reply is written in, negotiated from the caller's headers (the same rule for SOAP and REST): a wire
/// concept, so it lives here and not in Domain, which only names texts.
/// </summary>
internal static class CallerLanguage
{
    /// <summary>
    /// SO-Language wins over Accept-Language; the first supported entry of Accept-Language (by q, then order) is
    /// used; "*" or "x" gives resource ids; anything else English. Norwegian "nb"/"nn" map to "no".
    /// </summary>
    public static string Choose(string? soLanguage, string? acceptLanguage)
    {
        if (!string.IsNullOrWhiteSpace(soLanguage))
        {
            return Normalize(soLanguage) ?? Texts.DefaultLanguage;
        }

        if (string.IsNullOrWhiteSpace(acceptLanguage))
        {
            return Texts.DefaultLanguage;
        }

        string? best = null;
        var bestQ = -1.0;
        foreach (var part in acceptLanguage.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(';', StringSplitOptions.TrimEntries);
            var q = 1.0;
            foreach (var parameter in pieces.AsSpan(1))
            {
                if (parameter.StartsWith("q=", StringComparison.OrdinalIgnoreCase)
                    && double.TryParse(parameter.AsSpan(2), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
                {
                    q = parsed;
                }
            }

            var language = Normalize(pieces[0]);
            if (language is not null && q > bestQ)
            {
                best = language;
                bestQ = q;
            }
        }

        return best ?? Texts.DefaultLanguage;
    }

    private static string? Normalize(string tag)
    {
        tag = tag.Trim();
        if (tag is "*" or "x" or "X")
        {
            return Texts.ResourceIds;
        }

        var primary = tag.Split('-', '_')[0].ToLowerInvariant();
        primary = primary is "nb" or "nn" ? "no" : primary;
        return Texts.Supports(primary) ? primary : null;
    }
}

using ChatPresence.Domain.Text;

namespace ChatPresence.Contract.Text;

/// <summary>
/// Texts that exist only on the wire: refusals for media types, routes, methods, body size and foreign forms, and the
/// read-only reason a row's rights carry.
/// </summary>
internal enum WireTextId
{
    UnsupportedMediaType,
    NotAcceptable,
    PayloadTooLarge,
    RouteNotFound,
    MethodNotAllowed,
    CrossSiteRequestRefused,

    /// <summary>Why a row's presence is read-only for the caller (TableRight and Present's FieldRight reason).</summary>
    RowReadOnly,
}

/// <summary>
/// The wire-only texts, in the languages of the domain's catalogue (<see cref="Texts"/>): the domain never refuses
/// for these reasons nor writes rights objects, so their texts are not its.
/// </summary>
internal static class WireTexts
{
    private static readonly TextCatalogue<WireTextId> Catalogue = new(new Dictionary<string, string[]>
    {
        ["en"] =
        [
            "The body type '{0}' is not supported. Use one of {1}.",
            "No reply type in Accept '{0}' can be produced. Use one of {1}.",
            "The request body is larger than {0} bytes.",
            "There is no route '{0}'.",
            "{0} is not allowed on '{1}'.",
            "A form or text body from another site is not accepted. Send JSON or XML, or the X-XSRF-TOKEN header.",
            "Only the user, a chat manager or an administrator may change this presence.",
        ],
        ["no"] =
        [
            "Innholdstypen '{0}' støttes ikke. Bruk en av {1}.",
            "Ingen svartype i Accept '{0}' kan lages. Bruk en av {1}.",
            "Forespørselen er større enn {0} byte.",
            "Det finnes ingen rute '{0}'.",
            "{0} er ikke tillatt på '{1}'.",
            "Et skjema eller en tekst fra et annet nettsted godtas ikke. Send JSON eller XML, eller X-XSRF-TOKEN-headeren.",
            "Bare brukeren, en chatleder eller en administrator kan endre denne statusen.",
        ],
        ["sv"] =
        [
            "Innehållstypen '{0}' stöds inte. Använd en av {1}.",
            "Ingen svarstyp i Accept '{0}' kan skapas. Använd en av {1}.",
            "Begäran är större än {0} byte.",
            "Det finns ingen väg '{0}'.",
            "{0} är inte tillåtet på '{1}'.",
            "Ett formulär eller en text från en annan webbplats godtas inte. Skicka JSON eller XML, eller X-XSRF-TOKEN-headern.",
            "Endast användaren, en chattansvarig eller en administratör får ändra denna närvaro.",
        ],
        ["da"] =
        [
            "Indholdstypen '{0}' understøttes ikke. Brug en af {1}.",
            "Ingen svartype i Accept '{0}' kan laves. Brug en af {1}.",
            "Forespørgslen er større end {0} byte.",
            "Der findes ingen rute '{0}'.",
            "{0} er ikke tilladt på '{1}'.",
            "En formular eller tekst fra et andet websted accepteres ikke. Send JSON eller XML, eller X-XSRF-TOKEN-headeren.",
            "Kun brugeren, en chatleder eller en administrator må ændre denne status.",
        ],
        ["de"] =
        [
            "Der Inhaltstyp '{0}' wird nicht unterstützt. Verwenden Sie einen von {1}.",
            "Kein Antworttyp aus Accept '{0}' kann erzeugt werden. Verwenden Sie einen von {1}.",
            "Die Anfrage ist größer als {0} Byte.",
            "Es gibt keine Route '{0}'.",
            "{0} ist für '{1}' nicht erlaubt.",
            "Ein Formular oder Text von einer anderen Website wird nicht angenommen. Senden Sie JSON oder XML oder den X-XSRF-TOKEN-Header.",
            "Nur der Benutzer, ein Chat-Manager oder ein Administrator darf diesen Status ändern.",
        ],
    });

    public static IReadOnlyCollection<string> Languages => Catalogue.Languages;

    public static string Get(string language, WireTextId id, params object[] args) => Catalogue.Get(language, id, args);
}

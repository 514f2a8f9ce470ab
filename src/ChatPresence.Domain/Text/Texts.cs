namespace ChatPresence.Domain.Text;

/// <summary>Resource strings the service shows to callers.</summary>
public enum TextId
{
    NotAuthenticated,
    TicketExpired,
    ApplicationTokenRequired,
    WrongUserNameOrPassword,
    LoginThrottled,
    UnknownChatUser,
    UnknownChatTopic,
    SaveOthersForbidden,
    InvalidRequest,
    UnexpectedError,
    BasicNotAllowed,
    SessionNeedsXsrfToken,
    StoreUnavailable,
}

/// <summary>
/// The resource catalogue: English, Norwegian, Swedish, Danish and German. Language "*" or "x" switches
/// translation off and yields the resource id, as SuperOffice does.
/// </summary>
public static class Texts
{
    public const string DefaultLanguage = "en";
    public const string ResourceIds = "x";

    private static readonly TextCatalogue<TextId> Catalogue = new(new Dictionary<string, string[]>
    {
        ["en"] =
        [
            "No valid credentials were given: the ticket is missing or unknown.",
            "The ticket has expired. Log in again.",
            "A valid application token is required.",
            "Wrong user name or password.",
            "Too many failed logins. Try again in {0} seconds.",
            "Unknown chat user {0}.",
            "Unknown chat topic {0}.",
            "You may only change your own chat presence.",
            "The request is not valid: {0}",
            "An unexpected error occurred.",
            "Basic authentication is not accepted here. Use a ticket, a Bearer token or a session.",
            "A session cookie needs a matching X-XSRF-TOKEN header.",
            "The database is unreachable; nothing was saved. Try again in {0} seconds.",
        ],
        ["no"] =
        [
            "Ingen gyldig pålogging: billetten mangler eller er ukjent.",
            "Billetten er utløpt. Logg inn på nytt.",
            "Et gyldig applikasjonstoken kreves.",
            "Feil brukernavn eller passord.",
            "For mange mislykkede pålogginger. Prøv igjen om {0} sekunder.",
            "Ukjent chatbruker {0}.",
            "Ukjent chatemne {0}.",
            "Du kan bare endre din egen chatstatus.",
            "Forespørselen er ugyldig: {0}",
            "Det oppstod en uventet feil.",
            "Basic-autentisering godtas ikke her. Bruk en billett, et Bearer-token eller en økt.",
            "En øktinformasjonskapsel krever en samsvarende X-XSRF-TOKEN-header.",
            "Databasen svarer ikke; ingenting ble lagret. Prøv igjen om {0} sekunder.",
        ],
        ["sv"] =
        [
            "Inga giltiga inloggningsuppgifter: biljetten saknas eller är okänd.",
            "Biljetten har gått ut. Logga in igen.",
            "En giltig applikationstoken krävs.",
            "Fel användarnamn eller lösenord.",
            "För många misslyckade inloggningar. Försök igen om {0} sekunder.",
            "Okänd chattanvändare {0}.",
            "Okänt chattämne {0}.",
            "Du får bara ändra din egen chattnärvaro.",
            "Begäran är ogiltig: {0}",
            "Ett oväntat fel inträffade.",
            "Basic-autentisering godtas inte här. Använd en biljett, en Bearer-token eller en session.",
            "En sessionscookie kräver en matchande X-XSRF-TOKEN-header.",
            "Databasen svarar inte; inget sparades. Försök igen om {0} sekunder.",
        ],
        ["da"] =
        [
            "Ingen gyldige legitimationsoplysninger: billetten mangler eller er ukendt.",
            "Billetten er udløbet. Log ind igen.",
            "Et gyldigt applikationstoken er påkrævet.",
            "Forkert brugernavn eller adgangskode.",
            "For mange mislykkede logins. Prøv igen om {0} sekunder.",
            "Ukendt chatbruger {0}.",
            "Ukendt chatemne {0}.",
            "Du må kun ændre din egen chatstatus.",
            "Forespørgslen er ugyldig: {0}",
            "Der opstod en uventet fejl.",
            "Basic-godkendelse accepteres ikke her. Brug en billet, et Bearer-token eller en session.",
            "En sessionscookie kræver en matchende X-XSRF-TOKEN-header.",
            "Databasen svarer ikke; intet blev gemt. Prøv igen om {0} sekunder.",
        ],
        ["de"] =
        [
            "Keine gültigen Anmeldedaten: Das Ticket fehlt oder ist unbekannt.",
            "Das Ticket ist abgelaufen. Bitte erneut anmelden.",
            "Ein gültiges Anwendungstoken ist erforderlich.",
            "Falscher Benutzername oder falsches Passwort.",
            "Zu viele fehlgeschlagene Anmeldungen. Versuchen Sie es in {0} Sekunden erneut.",
            "Unbekannter Chat-Benutzer {0}.",
            "Unbekanntes Chat-Thema {0}.",
            "Sie dürfen nur Ihren eigenen Chat-Status ändern.",
            "Die Anfrage ist ungültig: {0}",
            "Ein unerwarteter Fehler ist aufgetreten.",
            "Basic-Authentifizierung wird hier nicht akzeptiert. Verwenden Sie ein Ticket, ein Bearer-Token oder eine Sitzung.",
            "Ein Sitzungscookie erfordert einen passenden X-XSRF-TOKEN-Header.",
            "Die Datenbank ist nicht erreichbar; nichts wurde gespeichert. Versuchen Sie es in {0} Sekunden erneut.",
        ],
    });

    public static IReadOnlyCollection<string> Languages => Catalogue.Languages;

    public static string Get(string language, TextId id, params object[] args) => Catalogue.Get(language, id, args);

    /// <summary>Whether the catalogue has texts in <paramref name="language"/> (a primary tag such as "sv").</summary>
    public static bool Supports(string language) => Catalogue.Supports(language);
}

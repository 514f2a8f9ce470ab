namespace ChatPresence.Host.Tests.Security;

/// <summary>
/// Issue 10: a ticket with surrounding whitespace was trimmed on REST and refused on SOAP. Both facades now take the
/// rule from Domain credential parsing: surrounding whitespace is not part of a ticket (an XML pretty-printer puts it
/// around <c>Credentials/Ticket</c>'s text), whitespace inside one is.
/// </summary>
public sealed class TicketWhitespaceTests(SecurityHostFixture fixture) : IClassFixture<SecurityHostFixture>
{
    public static TheoryData<string, string, string> Padded() => new()
    {
        { FacadeCallers.Soap11, "\n      ", "\n    " },
        { FacadeCallers.Soap12, "\r\n\t\t", "\r\n\t" },
        { FacadeCallers.Soap11, " ", " " },
        { FacadeCallers.Soap12, "\t", string.Empty },
        { FacadeCallers.Rest, " \t ", " \t " }, // HTTP header values cannot carry line breaks
        { FacadeCallers.Rest, "  ", string.Empty },
    };

    [Theory]
    [MemberData(nameof(Padded))]
    public async Task A_ticket_with_surrounding_whitespace_authenticates_on_every_facade(string facade, string before, string after)
    {
        var ticket = await fixture.TicketAsync(2);
        var result = await fixture.Caller(facade).GetAsync(Presented.Ticket(before + ticket + after), null);
        Assert.Equal(Outcome.Ok, result.Outcome);
    }

    [Theory]
    [InlineData(FacadeCallers.Soap11)]
    [InlineData(FacadeCallers.Soap12)]
    [InlineData(FacadeCallers.Rest)]
    public async Task Whitespace_inside_a_ticket_is_still_refused(string facade)
    {
        var ticket = await fixture.TicketAsync(2);
        var result = await fixture.Caller(facade).GetAsync(Presented.Ticket(ticket[..10] + " " + ticket[10..]), null);
        Assert.Equal(Outcome.NotAuthenticated, result.Outcome);
    }
}

namespace ChatPresence.Host.Tests.Security;

/// <summary>
/// Agent, manager and administrator through both facades: who may save whom (refusals save nothing, read back to
/// check), and the TableRight/FieldProperties each caller sees on its own and on other rows.
/// </summary>
public sealed class RightsTests(SecurityHostFixture fixture) : IClassFixture<SecurityHostFixture>
{
    private const int Admin = 1;
    private const int Agent = 2;
    private const int OtherAgent = 3;
    private const int Manager = 7;

    private static readonly int[] Listed = [1, 2, 3, 4, 5, 6, 7];

    /// <summary>(facade, caller, target, may save).</summary>
    public static TheoryData<string, int, int, bool> Saves()
    {
        var rows = new TheoryData<string, int, int, bool>();
        foreach (var facade in FacadeCallers.All)
        {
            rows.Add(facade, Agent, Agent, true);
            rows.Add(facade, Agent, OtherAgent, false);
            rows.Add(facade, Agent, Manager, false);
            rows.Add(facade, Agent, Admin, false);
            rows.Add(facade, Manager, Manager, true);
            rows.Add(facade, Manager, OtherAgent, true);
            rows.Add(facade, Manager, Admin, true);
            rows.Add(facade, Admin, Admin, true);
            rows.Add(facade, Admin, Agent, true);
            rows.Add(facade, Admin, Manager, true);
        }

        return rows;
    }

    /// <summary>(facade, caller).</summary>
    public static TheoryData<string, int> Views()
    {
        var rows = new TheoryData<string, int>();
        foreach (var facade in FacadeCallers.All)
        {
            foreach (var caller in new[] { Agent, OtherAgent, Manager, Admin })
            {
                rows.Add(facade, caller);
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Saves))]
    public async Task Who_may_save_whom(string facade, int caller, int target, bool allowed)
    {
        var credential = Presented.Ticket(await fixture.TicketAsync(caller));
        foreach (var present in new[] { true, false })
        {
            await fixture.SetPresentAsync(target, !present);

            var result = await fixture.Caller(facade).SaveAsync(credential, null, [(target, present)]);

            Assert.Equal(allowed ? Outcome.Ok : Outcome.Forbidden, result.Outcome);
            Assert.Equal(allowed ? present : !present, await fixture.PresentAsync(target));
            if (!allowed)
            {
                Assert.Equal("Forbidden", result.ErrorType);
                Assert.Equal(facade == FacadeCallers.Rest ? 403 : 200, result.HttpStatus);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Facades))]
    public async Task An_agent_saving_itself_and_someone_else_in_one_call_saves_neither(string facade)
    {
        await fixture.SetPresentAsync(Agent, false);
        await fixture.SetPresentAsync(OtherAgent, false);

        var result = await fixture.Caller(facade).SaveAsync(Presented.Ticket(await fixture.TicketAsync(Agent)), null, [(Agent, true), (OtherAgent, true)]);

        Assert.Equal(Outcome.Forbidden, result.Outcome);
        Assert.False(await fixture.PresentAsync(Agent));
        Assert.False(await fixture.PresentAsync(OtherAgent));
    }

    public static TheoryData<string> Facades() => new(FacadeCallers.All);

    [Theory]
    [MemberData(nameof(Views))]
    public async Task Each_caller_sees_the_rights_it_has_on_each_row(string facade, int caller)
    {
        var result = await fixture.Caller(facade).GetAsync(Presented.Ticket(await fixture.TicketAsync(caller)), null);

        Assert.Equal(Outcome.Ok, result.Outcome);
        Assert.Equal(Listed, result.Rows.Select(r => r.UserId).Order());
        var managesAll = caller is Manager or Admin;
        foreach (var row in result.Rows)
        {
            var writable = managesAll || row.UserId == caller;
            Assert.Equal(writable ? "Select Update" : "Select", row.TableRight);
            Assert.Equal(["UserId", "DisplayName", "OngoingChats", "Present", "ChatTopics"], row.FieldRights.Keys);
            foreach (var (field, mask) in row.FieldRights)
            {
                Assert.Equal(field == "Present" && writable ? "Read Write" : "Read UIHintReadOnly", mask);
            }

            if (writable)
            {
                Assert.Equal(string.Empty, row.TableReason);
                Assert.Equal(string.Empty, row.PresentReason);
            }
            else
            {
                Assert.Equal("Only the user, a chat manager or an administrator may change this presence.", row.TableReason);
                Assert.Equal(row.TableReason, row.PresentReason);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Facades))]
    public async Task Rights_follow_the_caller_even_when_the_data_did_not_change(string facade)
    {
        // Replies are cached by data version and rights view: two callers in a row must not share one.
        var callerFacade = fixture.Caller(facade);
        var manager = await callerFacade.GetAsync(Presented.Ticket(await fixture.TicketAsync(Manager)), null);
        var agent = await callerFacade.GetAsync(Presented.Ticket(await fixture.TicketAsync(Agent)), null);
        var admin = await callerFacade.GetAsync(Presented.Ticket(await fixture.TicketAsync(Admin)), null);

        Assert.All(manager.Rows, r => Assert.Equal("Select Update", r.TableRight));
        Assert.Equal([Agent], agent.Rows.Where(r => r.TableRight == "Select Update").Select(r => r.UserId));
        Assert.All(admin.Rows, r => Assert.Equal("Select Update", r.TableRight));
    }
}

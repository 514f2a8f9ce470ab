namespace ChatPresence.Interop.Tests.Wcf;

/// <summary>
/// The four differences from a WCF service that issue 11 found with the WCF client, each as the call that showed it.
/// </summary>
public sealed class Issue11RegressionTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    /// <summary>(1) With WS-Addressing the action is only in a mustUnderstand a:Action: it must decide the operation.</summary>
    [Fact]
    public Task Addressed_unknown_action_is_refused_even_when_the_body_names_an_operation() =>
        WcfCalls.AssertUnknownActionRefusedAsync(fixture.Host, WcfBindings.Soap12Addressing);

    /// <summary>(2) A reply to a WS-Addressing request carries a:Action and a:RelatesTo.</summary>
    [Fact]
    public Task Reply_to_an_addressed_request_carries_Action_and_RelatesTo() =>
        WcfCalls.AssertReplyAddressedAsync(fixture.Host, WcfBindings.Soap12Addressing);

    /// <summary>(3) Without addressing, ActionNotSupported is a:ActionNotSupported in the …/addressing/none namespace.</summary>
    [Theory]
    [InlineData(WcfBindings.Basic)]
    [InlineData(WcfBindings.Soap12)]
    public Task Unknown_action_without_addressing_raises_ActionNotSupportedException(string binding) =>
        WcfCalls.AssertUnknownActionRefusedAsync(fixture.Host, binding);

    /// <summary>(4) A nil TimeZone header is echoed as nil.</summary>
    [Theory]
    [InlineData(WcfBindings.Basic)]
    [InlineData(WcfBindings.Soap12Addressing)]
    public Task Nil_TimeZone_is_echoed_as_nil(string binding) =>
        WcfCalls.AssertNilTimeZoneEchoedAsync(fixture.Host, binding);
}

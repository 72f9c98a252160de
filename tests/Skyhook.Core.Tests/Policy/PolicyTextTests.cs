using Skyhook.Core.Policy;

namespace Skyhook.Core.Tests.Policy;

public sealed class PolicyTextTests
{
    [Theory]
    [InlineData("deny-all", BasePolicy.DenyAll)]
    [InlineData("allow-all", BasePolicy.AllowAll)]
    public void ParseBasePolicy_KnownText_RoundTrips(string text, BasePolicy expected)
    {
        Assert.Equal(expected, PolicyText.ParseBasePolicy(text));
        Assert.Equal(text, expected.ToText());
    }

    [Theory]
    [InlineData("allow", RuleAction.Allow)]
    [InlineData("deny", RuleAction.Deny)]
    public void ParseAction_KnownText_RoundTrips(string text, RuleAction expected)
    {
        Assert.Equal(expected, PolicyText.ParseAction(text));
        Assert.Equal(text, expected.ToText());
    }

    [Theory]
    [InlineData("tcp", Protocol.Tcp)]
    [InlineData("udp", Protocol.Udp)]
    [InlineData("icmp", Protocol.Icmp)]
    [InlineData("all", Protocol.All)]
    public void ParseProtocol_KnownText_RoundTrips(string text, Protocol expected)
    {
        Assert.Equal(expected, PolicyText.ParseProtocol(text));
        Assert.Equal(text, expected.ToText());
    }

    [Theory]
    [InlineData("deny", "'deny' is not a base policy; expected deny-all or allow-all.")]
    [InlineData("DENY-ALL", "'DENY-ALL' is not a base policy")]
    [InlineData("", "Expected a base policy (deny-all or allow-all), but it is empty.")]
    [InlineData(null, "but it is empty")]
    public void TryParseBasePolicy_UnknownText_FailsNamingInput(string? text, string expectedFragment)
    {
        Assert.False(PolicyText.TryParseBasePolicy(text, out _, out var error));
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParseProtocol_UnknownText_ListsEveryProtocol()
    {
        Assert.False(PolicyText.TryParseProtocol("sctp", out _, out var error));
        Assert.Equal("'sctp' is not a protocol; expected tcp, udp, icmp or all.", error);
    }

    [Fact]
    public void ParseAction_UnknownText_ThrowsFormatException()
    {
        var exception = Assert.Throws<FormatException>(() => PolicyText.ParseAction("permit"));
        Assert.Equal("'permit' is not a rule action; expected allow or deny.", exception.Message);
    }

    [Fact]
    public void ToText_UndefinedValue_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((Protocol)42).ToText());
    }
}

using Skyhook.Core.Addressing;
using Skyhook.Core.Policy;

namespace Skyhook.Core.Tests.Policy;

public sealed class RuleTargetTests
{
    [Theory]
    [InlineData("cidr 10.0.3.0/24")]
    [InlineData("cidr fd00::/64")]
    [InlineData("container web1")]
    [InlineData("container my_app.v2-blue")]
    [InlineData("service api")]
    [InlineData("label com.example.team=payments")]
    [InlineData("label flag=")]
    [InlineData("label url=a=b")]
    [InlineData("label owner=zoë")]
    [InlineData("label mood=🙂")]
    [InlineData("network multi-host-overlay")]
    public void Parse_ValidText_RoundTripsToCanonicalText(string text)
    {
        var target = RuleTarget.Parse(text);

        Assert.Equal(text, target.ToString());
        Assert.Equal(target, RuleTarget.Parse(target.ToString()));
    }

    [Fact]
    public void Parse_EachKind_ReturnsItsType()
    {
        Assert.Equal(new CidrTarget(Cidr.Parse("10.0.3.0/24")), RuleTarget.Parse("cidr 10.0.3.0/24"));
        Assert.Equal(new ContainerTarget("web1"), RuleTarget.Parse("container web1"));
        Assert.Equal(new ServiceTarget("api"), RuleTarget.Parse("service api"));
        Assert.Equal(new LabelTarget("com.example.team", "payments"), RuleTarget.Parse("label com.example.team=payments"));
        Assert.Equal(new NetworkTarget("multi-host-overlay"), RuleTarget.Parse("network multi-host-overlay"));
    }

    [Fact]
    public void Equals_SameNameDifferentKind_AreNotEqual()
    {
        Assert.NotEqual<RuleTarget>(new ContainerTarget("api"), new ServiceTarget("api"));
    }

    [Fact]
    public void Parse_LabelValueWithEquals_SplitsAtFirstEquals()
    {
        var target = Assert.IsType<LabelTarget>(RuleTarget.Parse("label url=a=b"));

        Assert.Equal("url", target.Key);
        Assert.Equal("a=b", target.Value);
    }

    [Theory]
    [InlineData(null, "The target is empty; expected cidr CIDR, container NAME, service NAME, label KEY=VALUE or network NAME.")]
    [InlineData("", "The target is empty")]
    [InlineData("host web1", "Target 'host web1' does not start with a kind; expected cidr CIDR, container NAME")]
    [InlineData("Container web1", "Target 'Container web1' does not start with a kind")]
    [InlineData("web1", "Target 'web1' does not start with a kind")]
    [InlineData(" container web1", "Target ' container web1' does not start with a kind")]
    [InlineData("container", "Target 'container' is missing its value")]
    [InlineData("container ", "Container name is empty; use only ASCII letters, digits and _ . -.")]
    [InlineData("container web 1", "Container name 'web 1' contains a space; use only ASCII letters, digits and _ . -.")]
    [InlineData("container  web1", "Container name ' web1' contains a space")]
    [InlineData("container web1\n", "Container name 'web1\\n' contains a newline")]
    [InlineData("container web\"1", "Container name 'web\"1' contains a double quote")]
    [InlineData("container web/1", "Container name 'web/1' contains '/'")]
    [InlineData("container wéb", "Container name 'wéb' contains 'é'; use only ASCII letters")]
    [InlineData("container web\u200b1", "Container name 'web\\u200b1' contains the invisible character U+200B")]
    [InlineData("container -web", "Container name '-web' starts with '-'; it must start with a letter or digit.")]
    [InlineData("container _web", "starts with '_'")]
    [InlineData("container .web", "starts with '.'")]
    [InlineData("service api,web", "Service name 'api,web' contains a comma")]
    [InlineData("service api\t", "Service name 'api\\t' contains a tab")]
    [InlineData("network a;b", "Network name 'a;b' contains ';'")]
    [InlineData("cidr 10.0.3.1/24", "10.0.3.1/24 has host bits set; did you mean 10.0.3.0/24?")]
    [InlineData("cidr 10.0.3.7", "10.0.3.7 is missing a prefix length; write 10.0.3.7/32")]
    [InlineData("cidr web1", "web1 is not a CIDR")]
    [InlineData("label team", "Label target 'team' has no '='; write label KEY=VALUE.")]
    [InlineData("label =payments", "Label key is empty; write label KEY=VALUE.")]
    [InlineData("label team=pay ments", "Label value 'pay ments' contains a space, which a label target cannot hold.")]
    [InlineData("label team=\"payments\"", "Label value '\"payments\"' contains a double quote")]
    [InlineData("label team='x'", "Label value ''x'' contains a single quote")]
    [InlineData("label te\u0001am=x", "Label key 'te\\u0001am' contains the invisible character U+0001")]
    [InlineData("label team=a\rb", "Label value 'a\\rb' contains a carriage return")]
    [InlineData("label team=a\u00a0b", "Label value 'a\u00a0b' contains the space character U+00A0")]
    public void TryParse_InvalidText_FailsWithOneClearMessage(string? text, string expectedFragment)
    {
        var parsed = RuleTarget.TryParse(text, out var target, out var error);

        Assert.False(parsed);
        Assert.Null(target);
        Assert.NotNull(error);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void TryParse_NameOf63Characters_IsAccepted()
    {
        var name = new string('a', 63);

        Assert.True(RuleTarget.TryParse($"container {name}", out var target, out _));
        Assert.Equal(name, Assert.IsType<ContainerTarget>(target).Name);
    }

    [Fact]
    public void TryParse_NameOf64Characters_FailsNamingTheLimit()
    {
        Assert.False(RuleTarget.TryParse($"network {new string('a', 64)}", out _, out var error));
        Assert.Contains("is 64 characters long; at most 63 are allowed.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_VeryLongInput_MessageShowsItCutShort()
    {
        Assert.False(RuleTarget.TryParse($"container {new string('a', 5000)} x", out _, out var error));
        Assert.True(error.Length < 300, error);
        Assert.Contains("...'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidText_ThrowsFormatException()
    {
        var exception = Assert.Throws<FormatException>(() => RuleTarget.Parse("container web 1"));

        Assert.Contains("Container name 'web 1' contains a space", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidName_ThrowsArgumentExceptionWithSameMessage()
    {
        var exception = Assert.Throws<ArgumentException>(() => new ServiceTarget("api\n"));

        Assert.Equal("name", exception.ParamName);
        Assert.StartsWith("Service name 'api\\n' contains a newline", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_LabelKeyWithEquals_Throws()
    {
        var exception = Assert.Throws<ArgumentException>(() => new LabelTarget("a=b", "c"));

        Assert.Equal("key", exception.ParamName);
    }

    [Fact]
    public void Constructor_DefaultCidr_Throws()
    {
        Assert.Throws<ArgumentException>(() => new CidrTarget(default));
    }
}

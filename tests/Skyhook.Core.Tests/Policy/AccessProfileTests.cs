using Skyhook.Core.Policy;

namespace Skyhook.Core.Tests.Policy;

public sealed class AccessProfileTests
{
    [Theory]
    [InlineData("developers")]
    [InlineData("team.payments-ro_2")]
    [InlineData("a")]
    [InlineData("0day")]
    public void IsValidName_ValidName_ReturnsTrue(string name)
    {
        Assert.True(AccessProfile.IsValidName(name, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void IsValidName_64Characters_ReturnsTrue()
    {
        Assert.True(AccessProfile.IsValidName(new string('p', 64), out _));
    }

    [Theory]
    [InlineData(null, "Profile name is empty; use only ASCII letters, digits and . - _.")]
    [InlineData("", "Profile name is empty")]
    [InlineData("dev ops", "Profile name 'dev ops' contains a space")]
    [InlineData("dev\nops", "Profile name 'dev\\nops' contains a newline")]
    [InlineData("dev@ops", "Profile name 'dev@ops' contains '@'")]
    [InlineData("-dev", "Profile name '-dev' starts with '-'; it must start with a letter or digit.")]
    public void IsValidName_InvalidName_FailsNamingTheProblem(string? name, string expectedFragment)
    {
        Assert.False(AccessProfile.IsValidName(name, out var error));
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
    }

    [Fact]
    public void IsValidName_65Characters_FailsNamingTheLimit()
    {
        Assert.False(AccessProfile.IsValidName(new string('p', 65), out var error));
        Assert.Contains("is 65 characters long; at most 64 are allowed.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidName_Throws()
    {
        var exception = Assert.Throws<ArgumentException>(() => new AccessProfile("dev ops", BasePolicy.DenyAll, []));

        Assert.Equal("name", exception.ParamName);
    }

    [Fact]
    public void Constructor_UndefinedBasePolicy_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AccessProfile("dev", (BasePolicy)7, []));
    }

    [Fact]
    public void Constructor_CallerChangesRuleList_ProfileIsUnchanged()
    {
        var rules = new List<AccessRule> { AccessRule.Parse("allow container web1 tcp 80") };
        var profile = new AccessProfile("dev", BasePolicy.DenyAll, rules);

        rules.Clear();

        Assert.Single(profile.Rules);
    }

    [Fact]
    public void Equals_SameContentDifferentLists_AreEqualWithSameHash()
    {
        var a = new AccessProfile("dev", BasePolicy.DenyAll, [AccessRule.Parse("allow container web1 tcp 80")]);
        var b = new AccessProfile("dev", BasePolicy.DenyAll, [AccessRule.Parse("allow container web1 tcp 80")]);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Equals_RulesInOtherOrder_AreNotEqual()
    {
        var allow = AccessRule.Parse("allow container web1 tcp");
        var deny = AccessRule.Parse("deny container web1 tcp 22");

        Assert.NotEqual(
            new AccessProfile("dev", BasePolicy.DenyAll, [allow, deny]),
            new AccessProfile("dev", BasePolicy.DenyAll, [deny, allow]));
    }
}

using Skyhook.Core.Identity;

namespace Skyhook.Core.Tests.Identity;

public sealed class UserNameTests
{
    [Theory]
    [InlineData("alice")]
    [InlineData("Bob.Smith")]
    [InlineData("carol_1-ops")]
    [InlineData("dave@example.com")]
    [InlineData("7")]
    public void Parse_ValidName_KeepsItAsWritten(string text)
    {
        var name = UserName.Parse(text);

        Assert.Equal(text, name.Value);
        Assert.Equal(text, name.ToString());
    }

    [Fact]
    public void Parse_64Characters_IsAccepted()
    {
        Assert.Equal(64, UserName.Parse(new string('u', 64)).Value.Length);
    }

    [Theory]
    [InlineData(null, "User name is empty; use only ASCII letters, digits and . - _ @.")]
    [InlineData("", "User name is empty")]
    [InlineData("alice\n", "User name 'alice\\n' contains a newline")]
    [InlineData("alice\r\nclient-deny", "User name 'alice\\r\\nclient-deny' contains a carriage return")]
    [InlineData("al ice", "User name 'al ice' contains a space")]
    [InlineData("alice,bob", "User name 'alice,bob' contains a comma")]
    [InlineData("\"alice\"", "User name '\"alice\"' contains a double quote")]
    [InlineData("o'brien", "User name 'o'brien' contains a single quote")]
    [InlineData("alice\0", "User name 'alice\\u0000' contains the invisible character U+0000")]
    [InlineData("alice\u202e", "contains the invisible character U+202E")]
    [InlineData("josé", "User name 'josé' contains 'é'")]
    [InlineData("alice/admin", "contains '/'")]
    [InlineData("-alice", "User name '-alice' starts with '-'; it must start with a letter or digit.")]
    [InlineData("@alice", "starts with '@'")]
    public void TryParse_InvalidName_FailsWithOneClearMessage(string? text, string expectedFragment)
    {
        var parsed = UserName.TryParse(text, out var name, out var error);

        Assert.False(parsed);
        Assert.Null(name);
        Assert.NotNull(error);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
        Assert.DoesNotContain('\r', error);
    }

    [Fact]
    public void TryParse_65Characters_FailsNamingTheLimit()
    {
        Assert.False(UserName.TryParse(new string('u', 65), out _, out var error));
        Assert.Contains("is 65 characters long; at most 64 are allowed.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidName_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => UserName.Parse("al ice"));
    }

    [Fact]
    public void Equals_SameText_AreEqual_CaseMatters()
    {
        Assert.Equal(UserName.Parse("alice"), UserName.Parse("alice"));
        Assert.NotEqual(UserName.Parse("alice"), UserName.Parse("Alice"));
    }
}

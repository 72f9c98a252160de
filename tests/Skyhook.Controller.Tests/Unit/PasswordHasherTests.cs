using Microsoft.Extensions.Options;
using Skyhook.Controller.Auth;

namespace Skyhook.Controller.Tests.Unit;

public sealed class PasswordHasherTests
{
    private readonly PasswordHasher _hasher = new(Options.Create(new AuthOptions { PasswordIterations = 210_000 }));

    [Fact]
    public void Hash_Password_SaltedPbkdf2WithIterationCount()
    {
        var first = _hasher.Hash("a long password");
        var second = _hasher.Hash("a long password");
        Assert.StartsWith("pbkdf2-sha256$210000$", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        Assert.DoesNotContain("a long password", first, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_RightAndWrongPassword_MatchesOnlyRight()
    {
        var hash = _hasher.Hash("a long password");
        Assert.True(_hasher.Verify("a long password", hash));
        Assert.False(_hasher.Verify("a long passwore", hash));
        Assert.False(_hasher.Verify("", hash));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("md5$abc")]
    [InlineData("pbkdf2-sha256$x$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$1000$not base64!$AAAA")]
    public void Verify_MissingOrMalformedHash_False(string? stored) =>
        Assert.False(_hasher.Verify("a long password", stored));
}

using Skyhook.Core.Contracts;
using Skyhook.Gateway.Vpn.OpenVpn;

namespace Skyhook.Gateway.Tests.Vpn.OpenVpn;

public sealed class StaticChallengeTests
{
    [Fact]
    public void TryDecode_ExampleFromManagementNotes_GivesPasswordAndCode()
    {
        // management-notes.txt: user "foo", password "bar", PIN 8675309.
        Assert.True(StaticChallenge.TryDecode("SCRV1:YmFy:ODY3NTMwOQ==", out var answer, out var error), error);

        Assert.Equal(new StaticChallengeAnswer("bar", "8675309"), answer);
    }

    [Theory]
    [InlineData("pä$$ wörd:with:colons", "123456")]
    [InlineData("\"quoted\" \\ back", "000000")]
    public void Encode_ThenTryDecode_RoundTrips(string password, string code)
    {
        Assert.True(StaticChallenge.TryDecode(StaticChallenge.Encode(password, code), out var answer, out _));

        Assert.Equal((password, code), (answer.Password, answer.Code));
    }

    [Theory]
    [InlineData("SCRV1:YmFy")]
    [InlineData("SCRV1:YmFy:ODY3:extra")]
    [InlineData("SCRV1::ODY3NTMwOQ==")]
    [InlineData("SCRV1:YmFy:")]
    [InlineData("SCRV1:YmF:ODY3NTMwOQ==")]
    [InlineData("SCRV1:Ym Fy:ODY3NTMwOQ==")]
    [InlineData("SCRV1:YmFy:ODY3NTMwOQ")]
    [InlineData("SCRV1:!!!!:ODY3NTMwOQ==")]
    [InlineData("SCRV1:/w==:ODY3NTMwOQ==")]          // 0xFF is not UTF-8
    [InlineData("SCRV1:YmFyCg==:ODY3NTMwOQ==")]      // "bar\n"
    [InlineData("SCRV1:YmFy:MTIzAA==")]              // "123\0"
    [InlineData("scrv1:YmFy:ODY3NTMwOQ==")]
    [InlineData("")]
    [InlineData(null)]
    public void TryDecode_Malformed_IsRefusedWithoutThrowing(string? text)
    {
        Assert.False(StaticChallenge.TryDecode(text, out var answer, out var error));

        Assert.Null(answer);
        Assert.False(string.IsNullOrEmpty(error));
        if (text is { Length: > 6 })
        {
            Assert.DoesNotContain(text[6..], error);
        }
    }

    [Fact]
    public void TryDecode_HugeParts_AreRefused()
    {
        var huge = StaticChallenge.Encode(new string('p', StaticChallenge.MaxPasswordLength + 1), "123456");
        var hugeCode = StaticChallenge.Encode("pw", new string('1', StaticChallenge.MaxCodeLength + 1));
        var absurd = "SCRV1:" + new string('A', 10_000_000) + ":MTIz";

        Assert.False(StaticChallenge.TryDecode(huge, out _, out _));
        Assert.False(StaticChallenge.TryDecode(hugeCode, out _, out _));
        Assert.False(StaticChallenge.TryDecode(absurd, out _, out _));
    }

    [Fact]
    public void TryRead_NotScrv1_IsASessionTokenCandidate()
    {
        Assert.True(ClientCredentials.TryRead("eyJhbGciOi.payload.sig-_~", out var credentials, out _));

        Assert.True(credentials.IsSessionToken);
        Assert.Equal("eyJhbGciOi.payload.sig-_~", credentials.SessionToken);
        Assert.Null(credentials.Password);
        Assert.DoesNotContain("eyJ", credentials.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("has space")]
    [InlineData("new\nline")]
    [InlineData("SCRV1:broken")]
    public void TryRead_NeitherAnswerNorToken_IsRefused(string? password)
    {
        Assert.False(ClientCredentials.TryRead(password, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void TryCreate_ConnectWithScrv1_BuildsControllerRequest()
    {
        var connect = new ClientConnect(4, 0, new ClientEnvironment(new Dictionary<string, string>
        {
            ["username"] = "alice",
            ["common_name"] = "alice",
            ["password"] = StaticChallenge.Encode("s3cret", "654321"),
            ["untrusted_ip"] = "198.51.100.2",
            ["IV_VER"] = "2.6.14",
        }));

        Assert.True(VpnAuthRequests.TryCreate(connect, out var request, out var refusal), refusal);

        Assert.Equal(new VpnAuthRequest("alice", "s3cret", "654321", null, "198.51.100.2", "2.6.14"), request);
    }

    [Theory]
    [InlineData("alice\"\nclient-kill 0")]
    [InlineData("")]
    [InlineData("a b")]
    public void TryCreate_HostileUserName_IsRefusedWithoutQuotingIt(string user)
    {
        var reauth = new ClientReauth(4, 1, new ClientEnvironment(new Dictionary<string, string>
        {
            ["username"] = user,
            ["password"] = "token",
        }));

        Assert.False(VpnAuthRequests.TryCreate(reauth, out _, out var refusal));

        Assert.Equal("the user name is not valid", refusal);
    }
}

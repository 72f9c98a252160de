using System.Text;
using Skyhook.Core.Identity;

namespace Skyhook.Core.Tests.Identity;

public sealed class TotpTests
{
    // RFC 6238 appendix B: the SHA1 key is the ASCII string "12345678901234567890".
    private static readonly byte[] RfcSecret = Encoding.ASCII.GetBytes("12345678901234567890");

    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void Compute_Rfc6238Sha1Vector_MatchesEightDigitCode(long unixSeconds, string expected)
    {
        var totp = new Totp(ManualTimeProvider.AtUnixSeconds(unixSeconds), digits: 8);

        Assert.Equal(expected, totp.Compute(RfcSecret, totp.GetCurrentTimeStep()));
        Assert.Equal(totp.GetCurrentTimeStep(), totp.Verify(RfcSecret, expected));
    }

    [Fact]
    public void Compute_SixDigits_IsLastSixDigitsOfRfcValue()
    {
        var totp = new Totp(ManualTimeProvider.AtUnixSeconds(1111111109));

        Assert.Equal("081804", totp.Compute(RfcSecret, totp.GetCurrentTimeStep()));
    }

    [Fact]
    public void GetCurrentTimeStep_StepBoundary_ChangesExactlyAtThePeriod()
    {
        var clock = ManualTimeProvider.AtUnixSeconds(59);
        var totp = new Totp(clock);

        Assert.Equal(1, totp.GetCurrentTimeStep());
        clock.Now = DateTimeOffset.FromUnixTimeSeconds(60);
        Assert.Equal(2, totp.GetCurrentTimeStep());
    }

    [Theory]
    [InlineData(-1L, true)]
    [InlineData(0L, true)]
    [InlineData(1L, true)]
    [InlineData(-2L, false)]
    [InlineData(2L, false)]
    public void Verify_CodeFromNearbyStep_AcceptedWithinOneStep(long offset, bool accepted)
    {
        var totp = new Totp(ManualTimeProvider.AtUnixSeconds(1_700_000_000));
        var now = totp.GetCurrentTimeStep();
        var code = totp.Compute(RfcSecret, now + offset);

        var matched = totp.Verify(RfcSecret, code);

        Assert.Equal(accepted ? now + offset : null, matched);
    }

    [Fact]
    public void Verify_PreviousStepCode_AcceptedUntilLastSecondOfWindow()
    {
        const long Step = 56_666_666;
        var clock = ManualTimeProvider.AtUnixSeconds(((Step + 2) * 30) - 1);
        var totp = new Totp(clock);
        var code = totp.Compute(RfcSecret, Step);

        Assert.Equal(Step, totp.Verify(RfcSecret, code));

        clock.Now = DateTimeOffset.FromUnixTimeSeconds((Step + 2) * 30);
        Assert.Null(totp.Verify(RfcSecret, code));
    }

    [Fact]
    public void Verify_NextStepCode_AcceptedFromFirstSecondOfWindow()
    {
        const long Step = 56_666_666;
        var clock = ManualTimeProvider.AtUnixSeconds(((Step - 1) * 30) - 1);
        var totp = new Totp(clock);
        var code = totp.Compute(RfcSecret, Step);

        Assert.Null(totp.Verify(RfcSecret, code));

        clock.Now = DateTimeOffset.FromUnixTimeSeconds((Step - 1) * 30);
        Assert.Equal(Step, totp.Verify(RfcSecret, code));
    }

    [Fact]
    public void Verify_SameStepAfterItWasAccepted_IsRefused()
    {
        var totp = new Totp(ManualTimeProvider.AtUnixSeconds(1_700_000_000));
        var code = totp.Compute(RfcSecret, totp.GetCurrentTimeStep());

        var first = totp.Verify(RfcSecret, code);
        var replay = totp.Verify(RfcSecret, code, lastAcceptedStep: first);

        Assert.Equal(totp.GetCurrentTimeStep(), first);
        Assert.Null(replay);
    }

    [Fact]
    public void Verify_OlderStepAfterNewerWasAccepted_IsRefused()
    {
        var totp = new Totp(ManualTimeProvider.AtUnixSeconds(1_700_000_000));
        var now = totp.GetCurrentTimeStep();

        Assert.Null(totp.Verify(RfcSecret, totp.Compute(RfcSecret, now - 1), lastAcceptedStep: now));
    }

    [Fact]
    public void Verify_NewerStepAfterOlderWasAccepted_IsAccepted()
    {
        var clock = ManualTimeProvider.AtUnixSeconds(1_700_000_000);
        var totp = new Totp(clock);
        var accepted = totp.Verify(RfcSecret, totp.Compute(RfcSecret, totp.GetCurrentTimeStep()));

        clock.Now = clock.Now.AddSeconds(30);
        var next = totp.Verify(RfcSecret, totp.Compute(RfcSecret, totp.GetCurrentTimeStep()), accepted);

        Assert.Equal(accepted + 1, next);
    }

    [Fact]
    public void Verify_WrongCode_IsRefused()
    {
        var totp = new Totp(ManualTimeProvider.AtUnixSeconds(1111111109), digits: 8);

        Assert.Null(totp.Verify(RfcSecret, "07081805"));
    }

    [Fact]
    public void Verify_CodeForAnotherSecret_IsRefused()
    {
        var totp = new Totp(ManualTimeProvider.AtUnixSeconds(1_700_000_000));
        var other = Totp.GenerateSecret();

        Assert.Null(totp.Verify(RfcSecret, totp.Compute(other, totp.GetCurrentTimeStep())));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("81804")]
    [InlineData("0081804")]
    [InlineData("08180a")]
    [InlineData(" 081804")]
    [InlineData("081804 ")]
    [InlineData("081804\n")]
    [InlineData("081 804")]
    [InlineData("-81804")]
    [InlineData("+81804")]
    [InlineData("０８１８０４")]
    [InlineData("٠٨١٨٠٤")]
    public void Verify_NotExactlySixAsciiDigits_IsRefused(string? code)
    {
        var totp = new Totp(ManualTimeProvider.AtUnixSeconds(1111111109));
        Assert.Equal("081804", totp.Compute(RfcSecret, totp.GetCurrentTimeStep()));

        Assert.Null(totp.Verify(RfcSecret, code));
    }

    [Fact]
    public void Verify_ShortSecret_Throws()
    {
        var totp = new Totp(ManualTimeProvider.AtUnixSeconds(1_700_000_000));

        var exception = Assert.Throws<ArgumentException>(() => totp.Verify(new byte[10], "123456"));

        Assert.Contains("at least 16 bytes", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5, 30)]
    [InlineData(9, 30)]
    [InlineData(6, 0)]
    public void Constructor_UnsupportedSettings_Throws(int digits, int periodSeconds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Totp(TimeProvider.System, digits, periodSeconds));
    }

    [Fact]
    public void Compute_SixtySecondPeriod_UsesThatStep()
    {
        var totp = new Totp(ManualTimeProvider.AtUnixSeconds(119), periodSeconds: 60);

        Assert.Equal(1, totp.GetCurrentTimeStep());
        Assert.Equal(1, totp.Verify(RfcSecret, new Totp(TimeProvider.System).Compute(RfcSecret, 1)));
    }

    [Fact]
    public void GenerateSecret_TwoCalls_Give20DifferentRandomBytes()
    {
        var a = Totp.GenerateSecret();
        var b = Totp.GenerateSecret();

        Assert.Equal(20, a.Length);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void BuildOtpAuthUri_IssuerAndAccount_AreEscapedAndSecretIsBase32()
    {
        var totp = new Totp(TimeProvider.System);

        var uri = totp.BuildOtpAuthUri("Skyhook Acme & Co", "alice@example.com", RfcSecret);

        Assert.Equal(
            "otpauth://totp/Skyhook%20Acme%20%26%20Co:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Skyhook%20Acme%20%26%20Co&algorithm=SHA1&digits=6&period=30",
            uri);
        Assert.Equal(RfcSecret, Base32.Decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
    }

    [Fact]
    public void BuildOtpAuthUri_NonDefaultSettings_AreInTheUri()
    {
        var uri = new Totp(TimeProvider.System, digits: 8, periodSeconds: 60).BuildOtpAuthUri("Skyhook", "bob", RfcSecret);

        Assert.EndsWith("&digits=8&period=60", uri, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Sky:hook", "alice", "issuer")]
    [InlineData("Skyhook", "al:ice", "account")]
    [InlineData("", "alice", "issuer")]
    [InlineData("Skyhook", "", "account")]
    public void BuildOtpAuthUri_ColonOrEmpty_Throws(string issuer, string account, string paramName)
    {
        var totp = new Totp(TimeProvider.System);

        var exception = Assert.Throws<ArgumentException>(() => totp.BuildOtpAuthUri(issuer, account, RfcSecret));

        Assert.Equal(paramName, exception.ParamName);
    }
}

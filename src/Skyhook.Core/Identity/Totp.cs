using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Skyhook.Core.Identity;

/// <summary>
/// RFC 6238 time-based one-time codes with HMAC-SHA1, the only algorithm every authenticator app
/// supports. Verification accepts the current time step and one on either side, for clock skew and
/// typing time, and returns the step that matched so the caller can refuse it a second time.
/// </summary>
public sealed class Totp
{
    public const int DefaultDigits = 6;
    public const int DefaultPeriodSeconds = 30;

    /// <summary>160 bits, the length RFC 4226 recommends and the size of an HMAC-SHA1 output.</summary>
    public const int SecretLength = 20;

    // RFC 4226 R6: the shared secret MUST be at least 128 bits.
    public const int MinSecretLength = 16;
    private const int Window = 1;

    private static readonly int[] PowersOfTen = [1_000_000, 10_000_000, 100_000_000];

    private readonly TimeProvider _timeProvider;

    /// <exception cref="ArgumentOutOfRangeException">Digits outside 6-8, or a period below one second.</exception>
    public Totp(TimeProvider timeProvider, int digits = DefaultDigits, int periodSeconds = DefaultPeriodSeconds)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 6);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 8);
        ArgumentOutOfRangeException.ThrowIfLessThan(periodSeconds, 1);
        _timeProvider = timeProvider;
        Digits = digits;
        PeriodSeconds = periodSeconds;
    }

    public int Digits { get; }

    public int PeriodSeconds { get; }

    /// <summary>A new random secret of <see cref="SecretLength"/> bytes.</summary>
    public static byte[] GenerateSecret() => RandomNumberGenerator.GetBytes(SecretLength);

    /// <summary>The number of whole periods since the Unix epoch, now.</summary>
    public long GetCurrentTimeStep() => _timeProvider.GetUtcNow().ToUnixTimeSeconds() / PeriodSeconds;

    /// <summary>The code for <paramref name="timeStep"/>, zero-padded to <see cref="Digits"/> digits.</summary>
    /// <exception cref="ArgumentException">The secret is shorter than 16 bytes.</exception>
    public string Compute(ReadOnlySpan<byte> secret, long timeStep)
    {
        CheckSecret(secret);
        ArgumentOutOfRangeException.ThrowIfNegative(timeStep);

        Span<byte> counter = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(counter, timeStep);
        Span<byte> hash = stackalloc byte[HMACSHA1.HashSizeInBytes];
        HMACSHA1.HashData(secret, counter, hash);

        // RFC 4226 section 5.3, dynamic truncation.
        var offset = hash[^1] & 0x0f;
        var binary = BinaryPrimitives.ReadInt32BigEndian(hash[offset..]) & 0x7fffffff;
        var code = binary % PowersOfTen[Digits - 6];
        return code.ToString(CultureInfo.InvariantCulture).PadLeft(Digits, '0');
    }

    /// <summary>
    /// The time step whose code <paramref name="code"/> is, within one step of now, or null. Steps at
    /// or before <paramref name="lastAcceptedStep"/> are not considered, so a code accepted once is
    /// refused after; the caller stores the returned step as the new last accepted one. Anything but
    /// exactly <see cref="Digits"/> ASCII digits is refused.
    /// </summary>
    /// <exception cref="ArgumentException">The secret is shorter than 16 bytes.</exception>
    public long? Verify(ReadOnlySpan<byte> secret, string? code, long? lastAcceptedStep = null)
    {
        CheckSecret(secret);
        if (code is null || code.Length != Digits || !code.All(char.IsAsciiDigit))
        {
            return null;
        }

        var now = GetCurrentTimeStep();
        long? matched = null;
        for (var step = now - Window; step <= now + Window; step++)
        {
            if (step < 0 || step <= lastAcceptedStep)
            {
                continue;
            }

            var expected = Compute(secret, step);
            // Every candidate is compared, in constant time, and the latest match wins: should two
            // steps share a code, remembering the later one leaves nothing to replay.
            if (CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(expected.AsSpan()), MemoryMarshal.AsBytes(code.AsSpan())))
            {
                matched = step;
            }
        }

        return matched;
    }

    /// <summary>
    /// The <c>otpauth://totp/...</c> URI an authenticator app enrols from (usually as a QR code), in
    /// the Key Uri Format: label <c>issuer:account</c>, with the issuer repeated as a parameter.
    /// </summary>
    /// <exception cref="ArgumentException">The issuer or account is empty or holds a colon, which
    /// apps read as the separator between the two.</exception>
    public string BuildOtpAuthUri(string issuer, string account, ReadOnlySpan<byte> secret)
    {
        CheckLabelPart(issuer, nameof(issuer));
        CheckLabelPart(account, nameof(account));
        CheckSecret(secret);
        var escapedIssuer = Uri.EscapeDataString(issuer);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"otpauth://totp/{escapedIssuer}:{Uri.EscapeDataString(account)}?secret={Base32.Encode(secret)}&issuer={escapedIssuer}&algorithm=SHA1&digits={Digits}&period={PeriodSeconds}");
    }

    private static void CheckSecret(ReadOnlySpan<byte> secret)
    {
        if (secret.Length < MinSecretLength)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"A TOTP secret must be at least {MinSecretLength} bytes; this one is {secret.Length}."),
                nameof(secret));
        }
    }

    private static void CheckLabelPart(string value, string paramName)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, paramName);
        if (value.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The {paramName} cannot contain ':', which separates issuer and account.", paramName);
        }
    }
}

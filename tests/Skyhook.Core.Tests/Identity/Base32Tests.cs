using System.Text;
using Skyhook.Core.Identity;

namespace Skyhook.Core.Tests.Identity;

public sealed class Base32Tests
{
    // RFC 4648 section 10.
    [Theory]
    [InlineData("", "")]
    [InlineData("f", "MY======")]
    [InlineData("fo", "MZXQ====")]
    [InlineData("foo", "MZXW6===")]
    [InlineData("foob", "MZXW6YQ=")]
    [InlineData("fooba", "MZXW6YTB")]
    [InlineData("foobar", "MZXW6YTBOI======")]
    public void Encode_Rfc4648Vector_MatchesWithoutPadding(string plain, string encoded)
    {
        Assert.Equal(encoded.TrimEnd('='), Base32.Encode(Encoding.ASCII.GetBytes(plain)));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("f", "MY======")]
    [InlineData("fo", "MZXQ====")]
    [InlineData("foo", "MZXW6===")]
    [InlineData("foob", "MZXW6YQ=")]
    [InlineData("fooba", "MZXW6YTB")]
    [InlineData("foobar", "MZXW6YTBOI======")]
    public void Decode_Rfc4648Vector_AcceptsPaddedUnpaddedAndLowercase(string plain, string encoded)
    {
        var expected = Encoding.ASCII.GetBytes(plain);

        Assert.Equal(expected, Base32.Decode(encoded));
        Assert.Equal(expected, Base32.Decode(encoded.TrimEnd('=')));
        Assert.Equal(expected, Base32.Decode(encoded.ToLowerInvariant()));
    }

    [Fact]
    public void Encode_RandomBytesOfEveryLength_RoundTrips()
    {
        var random = new Random(6238);
        for (var length = 0; length <= 41; length++)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);

            var text = Base32.Encode(bytes);

            Assert.Equal(bytes, Base32.Decode(text));
            Assert.Matches("^[A-Z2-7]*$", text);
        }
    }

    [Theory]
    [InlineData("MZXW1===", "invalid character at position 5")]
    [InlineData("MZXW0YTB", "invalid character at position 5")]
    [InlineData("MZXW8YTB", "invalid character at position 5")]
    [InlineData("MZXW YTB", "invalid character at position 5")]
    [InlineData("MZ=W6YTB", "invalid character at position 3")]
    [InlineData("M", "Base32 text of length 1 (without padding) cannot be complete")]
    [InlineData("MZX", "of length 3 ")]
    [InlineData("MZXW6Y", "of length 6 ")]
    [InlineData("MZXW6YTBO", "of length 9 ")]
    [InlineData(null, "No base32 text was given.")]
    public void TryDecode_InvalidText_FailsWithoutEchoingIt(string? text, string expectedFragment)
    {
        var decoded = Base32.TryDecode(text, out var bytes, out var error);

        Assert.False(decoded);
        Assert.Empty(bytes);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
        if (text is { Length: >= 4 })
        {
            Assert.DoesNotContain(text, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Decode_InvalidText_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => Base32.Decode("MZXW1==="));
    }
}

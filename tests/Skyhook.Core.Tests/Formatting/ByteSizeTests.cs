using Skyhook.Core.Formatting;

namespace Skyhook.Core.Tests.Formatting;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1.0 KiB")]
    [InlineData(1_258_291, "1.2 MiB")]
    [InlineData(1_048_575, "1.0 MiB")]
    [InlineData(5_000_000_000, "4.7 GiB")]
    [InlineData(long.MaxValue, "8.0 EiB")]
    public void Format_Counts_BinaryUnitsOneDecimal(long bytes, string expected) =>
        Assert.Equal(expected, ByteSize.Format(bytes));
}

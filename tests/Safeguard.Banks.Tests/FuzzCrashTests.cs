using System.Text;
using Safeguard.Banks.Formats;

namespace Safeguard.Banks.Tests;

/// <summary>Inputs found by scripts/fuzz.sh that once crashed a reader, minimised; each must now give a clear error.</summary>
public sealed class FuzzCrashTests
{
    private static BankFormatException ReadVics(byte[] bytes) => Assert.Throws<BankFormatException>(() =>
        BankFormats.Read(BankFormat.Vics, new MemoryStream(bytes), new ReadOptions { SourceName = "fuzz.json" }).ToList());

    [Theory]
    // vics target, afl-tmin of crash id:000023 (a top-level string holding the byte 0x84): InvalidOperationException escaped.
    [InlineData("228422", 1)]
    // The same in a hash value, a property name and on a later line.
    [InlineData("7B2276616C7565223A5B7B224D4435223A22C3227D5D7D", 1)]
    [InlineData("7B2276616C7565223A5B7B22FF223A2278227D5D7D", 1)]
    [InlineData("7B2276616C7565223A5B0A7B224D4435223A22FEFF227D5D7D", 2)]
    public void Invalid_utf8_in_a_vics_string_is_a_format_error_naming_the_file_and_line(string hex, long line)
    {
        var ex = ReadVics(Convert.FromHexString(hex));
        Assert.StartsWith("fuzz.json:", ex.Message);
        Assert.Contains("not valid Unicode text", ex.Message);
        Assert.Equal(line, ex.Line);
    }

    [Fact]
    public void A_lone_surrogate_escape_in_a_vics_string_is_a_format_error()
    {
        var ex = ReadVics(Encoding.ASCII.GetBytes("""{"value":[{"MD5":"\ud800"}]}"""));
        Assert.Contains("not valid Unicode text", ex.Message);
    }
}

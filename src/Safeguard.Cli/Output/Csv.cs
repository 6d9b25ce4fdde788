namespace Safeguard.Cli.Output;

public static class Csv
{
    /// <summary>RFC 4180 quoting, with the formula-injection guard shared with the bank exports (see <see cref="Safeguard.Banks.Formats.CsvField"/>).</summary>
    public static string Field(string? value) => Safeguard.Banks.Formats.CsvField.Escape(value);
}

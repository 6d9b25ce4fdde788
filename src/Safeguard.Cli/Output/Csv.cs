namespace Safeguard.Cli.Output;

public static class Csv
{
    /// <summary>RFC 4180 quoting: only fields holding a comma, quote or line break are quoted.</summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0) return value;
        return "\"" + value.Replace("\"", "\"\"") + "\"";
    }
}

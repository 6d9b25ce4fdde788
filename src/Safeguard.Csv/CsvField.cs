using System.Text;

namespace Safeguard.Csv;

/// <summary>
/// One CSV field for every CSV the project writes (bank exports, scan, hash and match outputs):
/// RFC 4180 quoting, and a guard against spreadsheet formula injection as OWASP recommends: a
/// field starting with <c>= + - @</c>, tab or CR gets a leading single quote (and is quoted), so
/// a spreadsheet shows it as text instead of running it. A field that already starts with a quote
/// before such a character is guarded too, so <see cref="Unguard"/> restores every value exactly.
/// </summary>
public static class CsvField
{
    /// <summary>True when a spreadsheet would read the value as a formula (or its guard would be ambiguous).</summary>
    public static bool NeedsGuard(ReadOnlySpan<char> value)
    {
        int i = 0;
        while (i < value.Length && value[i] == '\'') i++;
        return i < value.Length && value[i] is '=' or '+' or '-' or '@' or '\t' or '\r';
    }

    /// <summary>The field as written: guarded and quoted when needed; null and empty are empty.</summary>
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        bool guard = NeedsGuard(value);
        bool quote = guard || value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || value[0] == ' ' || value[^1] == ' ' || value[0] == '#';
        if (!quote) return value;
        var sb = new StringBuilder(value.Length + 4).Append('"');
        if (guard) sb.Append('\'');
        foreach (var c in value) { if (c == '"') sb.Append('"'); sb.Append(c); }
        return sb.Append('"').ToString();
    }

    /// <summary>Removes the guard quote <see cref="Escape"/> added (applied to a field already unquoted).</summary>
    public static string Unguard(string field) =>
        field.Length > 1 && field[0] == '\'' && NeedsGuard(field.AsSpan(1)) ? field[1..] : field;
}

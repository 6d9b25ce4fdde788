using System.Text;

namespace Safeguard.Payments.Reports;

/// <summary>
/// Text made safe for XML 1.0 and for goAML's length limits: characters XML forbids (control
/// characters but tab, line feed and carriage return; lone surrogates; U+FFFE/U+FFFF) are dropped,
/// U+FFFD (what invalid UTF-8 was read as) is kept, and the text is cut to a maximum length
/// without splitting a surrogate pair, marked with an ellipsis.
/// </summary>
public static class XmlText
{
    public static bool IsXmlChar(char c) =>
        c is '\t' or '\n' or '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);

    /// <summary>The cleaned, trimmed text, at most <paramref name="maxLength"/> UTF-16 units; "" when nothing is left.</summary>
    public static string Clean(string? s, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        if (string.IsNullOrEmpty(s)) return "";
        // Fast path: nothing to change.
        bool clean = s.Length <= maxLength && !char.IsWhiteSpace(s[0]) && !char.IsWhiteSpace(s[^1]);
        for (int i = 0; clean && i < s.Length; i++)
        {
            char c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
            if (!IsXmlChar(c) || char.IsSurrogate(c)) clean = false;
        }
        if (clean) return s;
        var sb = new StringBuilder(Math.Min(s.Length, maxLength + 1));
        bool cut = false;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            int width = 1;
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) width = 2;
            else if (!IsXmlChar(c) || char.IsSurrogate(c)) continue;
            if (sb.Length + width > maxLength - 1) { cut = true; break; }
            sb.Append(s, i, width);
            i += width - 1;
        }
        var text = sb.ToString().Trim();
        if (cut) text = text.TrimEnd() + "…";
        return text;
    }
}

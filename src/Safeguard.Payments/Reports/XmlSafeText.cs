using System.Text;

namespace Safeguard.Payments.Reports;

/// <summary>
/// Text made safe for XML 1.0 and for goAML's length limits: characters XML forbids (control
/// characters but tab, line feed and carriage return; lone surrogates; U+FFFE/U+FFFF) are dropped,
/// U+FFFD (what invalid UTF-8 was read as) is kept, and the text is cut to a maximum length
/// without splitting a surrogate pair, marked with an ellipsis.
/// </summary>
public static class XmlSafeText
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
        for (int k = 0; clean && k < s.Length; k++)
        {
            int width = Width(s, k);
            if (width == 0) clean = false;
            k += Math.Max(0, width - 1);
        }
        if (clean) return s;
        var sb = new StringBuilder(Math.Min(s.Length, maxLength));
        int i = 0;
        bool over = false;
        for (; i < s.Length; i++)
        {
            int width = Width(s, i);
            if (width == 0) continue;
            if (sb.Length == 0 && width == 1 && char.IsWhiteSpace(s[i])) continue;
            if (sb.Length + width > maxLength) { over = true; break; }
            sb.Append(s, i, width);
            i += width - 1;
        }
        // Past the limit: only a cut when something other than white space follows.
        bool more = false;
        for (; over && i < s.Length && !more; i++)
        {
            int width = Width(s, i);
            more = width == 2 || (width == 1 && !char.IsWhiteSpace(s[i]));
        }
        if (!more) return sb.ToString().TrimEnd();
        int len = maxLength - 1;
        if (char.IsHighSurrogate(sb[len - 1])) len--;
        return sb.ToString(0, len).TrimEnd() + "…";
    }

    /// <summary>2 for a surrogate pair at <paramref name="i"/>, 1 for an allowed character, 0 for one XML forbids.</summary>
    private static int Width(string s, int i)
    {
        char c = s[i];
        if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) return 2;
        return IsXmlChar(c) && !char.IsSurrogate(c) ? 1 : 0;
    }
}

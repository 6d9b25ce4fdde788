namespace Safeguard.Banks;

/// <summary>
/// Categories an entry can carry: the VICS (US) integer 0..4 and the UK grade A/B/C.
/// </summary>
public static class Category
{
    public const int MinVics = 0, MaxVics = 4;

    public static bool IsValidVics(int value) => value is >= MinVics and <= MaxVics;

    public static string? NormalizeGrade(string? grade)
    {
        if (string.IsNullOrWhiteSpace(grade)) return null;
        var g = grade.Trim().ToUpperInvariant();
        if (g.StartsWith("CATEGORY ", StringComparison.Ordinal)) g = g["CATEGORY ".Length..].Trim();
        return g is "A" or "B" or "C" ? g : null;
    }

    /// <summary>
    /// Reads a category written either way ("2", "B", "Category B"). Returns false with a reason
    /// for anything else; empty text is "no category".
    /// </summary>
    public static bool TryParse(string? text, out int? vics, out string? grade, out string? error)
    {
        vics = null; grade = null; error = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        var t = text.Trim();
        if (int.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
        {
            if (IsValidVics(n)) { vics = n; return true; }
            error = $"category {n} is outside the VICS range 0..4";
            return false;
        }
        grade = NormalizeGrade(t);
        if (grade is not null) return true;
        error = $"category '{Shorten(t)}' is neither a VICS number 0..4 nor a UK grade A/B/C";
        return false;
    }

    internal static string Shorten(string s) => s.Length <= 40 ? s : s[..37] + "...";
}

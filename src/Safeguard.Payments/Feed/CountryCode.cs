namespace Safeguard.Payments.Feed;

/// <summary>An ISO 3166 alpha-2 country as a small number (0 = none), so per-row work never makes a string.</summary>
public readonly record struct CountryCode(ushort Value)
{
    public const int Count = 26 * 26 + 1;

    public static CountryCode None => default;

    public bool IsNone => Value == 0;

    /// <summary>Two ASCII letters, either case; empty is <see cref="None"/>. False for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out CountryCode code)
    {
        code = default;
        if (text.IsEmpty) return true;
        if (text.Length != 2) return false;
        int a = (text[0] | 0x20) - 'a', b = (text[1] | 0x20) - 'a';
        if ((uint)a > 25 || (uint)b > 25) return false;
        code = new CountryCode((ushort)(a * 26 + b + 1));
        return true;
    }

    public static CountryCode Parse(string text) =>
        TryParse(text, out var c) ? c : throw new FormatException($"'{text}' is not a two-letter country code");

    public override string ToString() => IsNone ? "" : string.Create(2, Value, static (s, v) =>
    {
        s[0] = (char)('A' + (v - 1) / 26);
        s[1] = (char)('A' + (v - 1) % 26);
    });
}

using System.Globalization;

namespace Safeguard.Payments.Feed;

/// <summary>Allocation-free parsers for the feed's values.</summary>
public static class FieldParsers
{
    /// <summary>
    /// ISO 8601 with an offset (Z or ±hh:mm) or, without one, taken as UTC. The common
    /// <c>yyyy-MM-ddTHH:mm:ss[.f…]Z</c> form is parsed by hand; anything else goes to the framework.
    /// </summary>
    public static bool TryParseTimestamp(ReadOnlySpan<char> s, out long utcTicks)
    {
        utcTicks = 0;
        if (s.Length >= 20 && s.Length <= 30 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == ' ') && s[13] == ':' && s[16] == ':' && s[^1] == 'Z')
        {
            if (Digits(s, 0, 4, out int year) && Digits(s, 5, 2, out int month) && Digits(s, 8, 2, out int day)
                && Digits(s, 11, 2, out int hour) && Digits(s, 14, 2, out int minute) && Digits(s, 17, 2, out int second)
                && year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
                && hour < 24 && minute < 60 && second < 60)
            {
                long fraction = 0;
                int end = s.Length - 1, i = 19;
                if (i < end)
                {
                    if (s[i] != '.' || end - i - 1 is < 1 or > 7) return Fallback(s, out utcTicks);
                    long scale = TimeSpan.TicksPerSecond;
                    for (i++; i < end; i++)
                    {
                        int d = s[i] - '0';
                        if ((uint)d > 9) return false;
                        scale /= 10;
                        fraction += d * scale;
                    }
                }
                utcTicks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks + fraction;
                return true;
            }
            return false;
        }
        return Fallback(s, out utcTicks);
    }

    private static bool Fallback(ReadOnlySpan<char> s, out long utcTicks)
    {
        utcTicks = 0;
        if (s.IsEmpty || s.Length > 64) return false;
        if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var dto))
            return false;
        utcTicks = dto.UtcTicks;
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        for (int i = start; i < start + count; i++)
        {
            int d = s[i] - '0';
            if ((uint)d > 9) return false;
            value = value * 10 + d;
        }
        return true;
    }

    public static bool TryParseAmount(ReadOnlySpan<char> s, out double amount) =>
        double.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite,
            CultureInfo.InvariantCulture, out amount) && double.IsFinite(amount);

    /// <summary>A merchant category code: empty is 0, otherwise 1 to 4 digits.</summary>
    public static bool TryParseMcc(ReadOnlySpan<char> s, out int mcc)
    {
        mcc = 0;
        s = s.Trim();
        if (s.IsEmpty) return true;
        if (s.Length > 4) return false;
        foreach (var c in s)
        {
            int d = c - '0';
            if ((uint)d > 9) return false;
            mcc = mcc * 10 + d;
        }
        return true;
    }
}

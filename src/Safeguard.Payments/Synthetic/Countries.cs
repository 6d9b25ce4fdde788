namespace Safeguard.Payments.Synthetic;

/// <summary>The countries the generator knows: standard UTC offset (whole hours) and local currency.</summary>
internal static class Countries
{
    private static readonly Dictionary<string, (int Offset, string Currency)> Table = new(StringComparer.Ordinal)
    {
        ["AU"] = (10, "AUD"), ["NZ"] = (12, "NZD"), ["US"] = (-5, "USD"), ["CA"] = (-5, "CAD"),
        ["GB"] = (0, "GBP"), ["IE"] = (0, "EUR"), ["DE"] = (1, "EUR"), ["NL"] = (1, "EUR"),
        ["SE"] = (1, "SEK"), ["NO"] = (1, "NOK"), ["CH"] = (1, "CHF"), ["FR"] = (1, "EUR"),
        ["PH"] = (8, "PHP"), ["TH"] = (7, "THB"), ["CO"] = (-5, "COP"), ["DO"] = (-4, "DOP"),
        ["MX"] = (-6, "MXN"), ["GH"] = (0, "GHS"), ["UA"] = (2, "UAH"), ["RO"] = (2, "RON"),
        ["JM"] = (-5, "JMD"), ["IN"] = (5, "INR"), ["VN"] = (7, "VND"), ["MT"] = (1, "EUR"),
        ["SG"] = (8, "SGD"),
    };

    public static bool Known(string country) => Table.ContainsKey(country);

    public static int UtcOffsetHours(string country) => Table[country].Offset;

    public static string LocalCurrency(string country) => Table[country].Currency;
}

/// <summary>The currencies a feed can carry and their fixed rates to USD (the base).</summary>
public static class FeedCurrencies
{
    public const string Base = "USD";

    /// <summary>Codes by index (0 is the base); the index is what the generator stores.</summary>
    public static readonly string[] Codes = ["USD", "EUR", "GBP", "AUD"];

    /// <summary>Value of one unit in USD, by index.</summary>
    public static readonly decimal[] RateToBase = [1m, 1.08m, 1.27m, 0.66m];

    /// <summary>Writes the rates table <c>currency,rate_to_base</c>.</summary>
    public static void WriteRates(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("currency,rate_to_base\n");
        for (int i = 0; i < Codes.Length; i++)
            writer.Write($"{Codes[i]},{RateToBase[i].ToString(System.Globalization.CultureInfo.InvariantCulture)}\n");
    }
}

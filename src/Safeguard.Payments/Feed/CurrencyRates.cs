using System.Globalization;
using Safeguard.Csv;

namespace Safeguard.Payments.Feed;

/// <summary>
/// Rates into one base currency, from a CSV <c>currency,rate_to_base</c> (header optional): an amount of
/// 10 in a currency with rate 0.65 is 6.5 in the base. The base is the currency whose rate is 1.
/// </summary>
public sealed class CurrencyRates
{
    private readonly Dictionary<string, double> _rates;
    private readonly Dictionary<string, double>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public CurrencyRates(string baseCurrency, IReadOnlyDictionary<string, double> rates)
    {
        BaseCurrency = baseCurrency.ToUpperInvariant();
        _rates = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in rates) _rates[k] = v;
        _rates[BaseCurrency] = 1.0;
        _lookup = _rates.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string BaseCurrency { get; }

    public IReadOnlyDictionary<string, double> Rates => _rates;

    public bool TryGetRate(ReadOnlySpan<char> currency, out double rate) => _lookup.TryGetValue(currency, out rate);

    /// <summary>Reads a rates file; errors name the file and line.</summary>
    public static CurrencyRates Load(string path, string? baseCurrency = null)
    {
        using var reader = new StreamReader(path);
        var csv = new CsvRecordReader(reader, maxRecordChars: 4096);
        var fields = new List<string>();
        var rates = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        string? unitCurrency = null;
        while (csv.TryRead(fields, out var error))
        {
            if (error is not null) throw new FormatException($"{path}:{csv.RecordLine}: {error}");
            if (fields.Count == 1 && fields[0].Length == 0) continue;
            if (fields.Count < 2) throw new FormatException($"{path}:{csv.RecordLine}: expected currency,rate_to_base");
            var code = fields[0].Trim();
            if (csv.RecordLine == 1 && code.Equals("currency", StringComparison.OrdinalIgnoreCase)) continue;
            if (code.Length != 3 || !code.All(char.IsAsciiLetter))
                throw new FormatException($"{path}:{csv.RecordLine}: '{code}' is not a three-letter currency code");
            if (!double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || !(rate > 0) || double.IsInfinity(rate))
                throw new FormatException($"{path}:{csv.RecordLine}: rate '{fields[1]}' is not a positive number");
            rates[code] = rate;
            if (rate == 1.0) unitCurrency ??= code;
        }
        var baseCode = baseCurrency ?? unitCurrency
            ?? throw new FormatException($"{path}: no currency has rate 1; name the base currency with --base-currency");
        return new CurrencyRates(baseCode, rates);
    }
}

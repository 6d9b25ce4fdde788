namespace Safeguard.Exchanges;

/// <summary>An exchange's settings: names to text values, as given to <c>exchange add --set name=value</c> or in <c>api_json</c>.</summary>
public sealed class ExchangeSettings
{
    private readonly Dictionary<string, string> _values;

    public ExchangeSettings(IEnumerable<KeyValuePair<string, string>> values) =>
        _values = new Dictionary<string, string>(values, StringComparer.Ordinal);

    public static ExchangeSettings Empty { get; } = new([]);

    public IEnumerable<string> Names => _values.Keys;

    public IReadOnlyDictionary<string, string> Values => _values;

    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    /// <summary>The value, or an <see cref="ExchangeException"/> naming the missing setting.</summary>
    public string Require(string name) => Get(name) is { Length: > 0 } v ? v : throw new ExchangeException($"setting '{name}' is required");

    public int GetInt(string name, int fallback) =>
        Get(name) is { } v ? int.TryParse(v, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var i) ? i
            : throw new ExchangeException($"setting '{name}' must be a whole number, not '{v}'") : fallback;

    public bool GetBool(string name, bool fallback) =>
        Get(name) switch { null => fallback, "true" or "1" or "yes" => true, "false" or "0" or "no" => false, var v => throw new ExchangeException($"setting '{name}' must be true or false, not '{v}'") };

    /// <summary>The settings with secret values replaced by "***", for showing and logging.</summary>
    public IReadOnlyDictionary<string, string> Redacted(ExchangeType type) =>
        _values.ToDictionary(kv => kv.Key, kv => type.Settings.Any(s => s.Name == kv.Key && s.Secret) ? "***" : kv.Value, StringComparer.Ordinal);
}

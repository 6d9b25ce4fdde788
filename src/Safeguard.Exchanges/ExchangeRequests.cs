using System.Globalization;
using System.Text.RegularExpressions;

namespace Safeguard.Exchanges;

/// <summary>
/// The checks shared by every place an exchange is configured (the command line, the /v1/ and the
/// HMA routes), so each refuses the same input with the same message naming it.
/// </summary>
public static partial class ExchangeRequests
{
    /// <summary>Bounds on what a configuration may hold: a hostile request stores nothing big.</summary>
    public const int MaxSettings = 64;
    public const int MaxSettingNameChars = 100;
    public const int MaxSettingValueChars = 8192;

    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1); // a Safeguard feed is followed every few seconds (an unchanged page is one small signed answer)
    public static readonly TimeSpan MaxInterval = TimeSpan.FromDays(30);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.-]*$")]
    private static partial Regex SettingNamePattern();

    /// <summary>Exchange names follow the bank name rules (an exchange often names its bank).</summary>
    public static void ValidateName(string? name, string what = "exchange name")
    {
        if (name is null || !NamePattern().IsMatch(name))
            throw new ExchangeException($"invalid {what} '{Shorten(name ?? "")}': use 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }

    /// <summary>"90s", "15m", "6h", "1d" or plain seconds ("900"), between 10 seconds and 30 days.</summary>
    public static TimeSpan ParseInterval(string? text)
    {
        var t = (text ?? "").Trim();
        if (t.Length == 0) throw new ExchangeException("interval is empty: give e.g. 15m, 1h or 900 (seconds)");
        char unit = char.IsLetter(t[^1]) ? char.ToLowerInvariant(t[^1]) : 's';
        var number = char.IsLetter(t[^1]) ? t[..^1] : t;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !double.IsFinite(n) || n <= 0
            || unit is not ('s' or 'm' or 'h' or 'd'))
            throw new ExchangeException($"invalid interval '{Shorten(t)}': give e.g. 90s, 15m, 6h, 1d or 900 (seconds)");
        double seconds = unit switch { 'm' => n * 60, 'h' => n * 3600, 'd' => n * 86_400, _ => n };
        if (seconds < MinInterval.TotalSeconds || seconds > MaxInterval.TotalSeconds)
            throw new ExchangeException($"interval '{Shorten(t)}' is out of range: 1s to 30d");
        return TimeSpan.FromSeconds(Math.Round(seconds));
    }

    /// <summary>A short form of an interval for listings ("15m", "1h30m", "45s").</summary>
    public static string FormatInterval(TimeSpan t)
    {
        if (t.TotalSeconds % 86_400 == 0) return $"{t.TotalDays:0}d";
        if (t.TotalSeconds % 3600 == 0) return $"{t.TotalHours:0}h";
        if (t.TotalSeconds % 60 == 0) return $"{t.TotalMinutes:0}m";
        return $"{t.TotalSeconds:0}s";
    }

    /// <summary>"name=value" pairs (as given to --set); the value may be empty and may contain '='.</summary>
    public static Dictionary<string, string> ParsePairs(IEnumerable<string> pairs)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new ExchangeException($"setting '{Shorten(pair)}' must be written name=value");
            values[pair[..eq].Trim()] = pair[(eq + 1)..];
        }
        return values;
    }

    /// <summary>Checks sizes and names, then asks the type; the message names the setting at fault.</summary>
    public static ExchangeSettings CheckSettings(ExchangeType type, IReadOnlyDictionary<string, string> values)
    {
        if (values.Count > MaxSettings) throw new ExchangeException($"too many settings ({values.Count}; at most {MaxSettings})");
        foreach (var (name, value) in values)
        {
            if (name.Length > MaxSettingNameChars || !SettingNamePattern().IsMatch(name))
                throw new ExchangeException($"invalid setting name '{Shorten(name)}'");
            if (value is null) throw new ExchangeException($"setting '{name}' has no value");
            if (value.Length > MaxSettingValueChars) throw new ExchangeException($"setting '{name}' is too long ({value.Length} characters; at most {MaxSettingValueChars})");
            if (value.Any(c => char.IsControl(c) && c is not '\t')) throw new ExchangeException($"setting '{name}' holds control characters");
        }
        var settings = new ExchangeSettings(values);
        if (type.Validate(settings) is { } problem) throw new ExchangeException(problem);
        return settings;
    }

    /// <summary>The stored settings with <paramref name="changes"/> applied: an empty value removes a setting.</summary>
    public static Dictionary<string, string> Merge(ExchangeSettings stored, IReadOnlyDictionary<string, string> changes)
    {
        var merged = new Dictionary<string, string>(stored.Values, StringComparer.Ordinal);
        foreach (var (name, value) in changes)
            if (value.Length == 0) merged.Remove(name);
            else merged[name] = value;
        return merged;
    }

    /// <summary>
    /// The text with every secret setting's value replaced by "***": errors and log lines may quote
    /// a URL or a header an upstream echoed back.
    /// </summary>
    public static string? Scrub(string? text, ExchangeType? type, ExchangeSettings settings)
    {
        if (string.IsNullOrEmpty(text)) return text;
        var secrets = new List<string>();
        foreach (var (name, value) in settings.Values)
            if (type is null || type.Settings.Any(s => s.Name == name && s.Secret)) secrets.AddRange(SecretParts(value));
        // Longest first, so a whole value goes before a token inside it.
        foreach (var secret in secrets.Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length))
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        return text;
    }

    /// <summary>
    /// What of a secret value an upstream might echo: the whole value, its words ("TOKEN" of
    /// "Bearer TOKEN") and, for a JSON object of headers, each value. Short parts (a "true", a
    /// port) would blank unrelated text; secrets are longer than that.
    /// </summary>
    private static IEnumerable<string> SecretParts(string value)
    {
        if (value.Length >= 6) yield return value;
        foreach (var word in value.Split([' ', '\t', ',', ';'], StringSplitOptions.RemoveEmptyEntries))
            if (word.Length >= 8) yield return word;
        if (!value.TrimStart().StartsWith('{')) yield break;
        Dictionary<string, string>? json = null;
        try { json = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(value); }
        catch (System.Text.Json.JsonException) { }
        if (json is null) yield break;
        foreach (var v in json.Values)
            if (v is { Length: >= 6 }) yield return v;
    }

    /// <summary>The settings as they may be shown: secret values as "***" (every value when the type is unknown).</summary>
    public static IReadOnlyDictionary<string, string> Shown(ExchangeType? type, ExchangeSettings settings) =>
        type is null ? settings.Values.ToDictionary(kv => kv.Key, _ => "***", StringComparer.Ordinal) : settings.Redacted(type);

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..57] + "...";
}

using System.Text.Json;

namespace Safeguard.Exchanges.Services;

/// <summary>Reading settings and checkpoints shared by the external-service exchange types.</summary>
internal static class ServiceText
{
    /// <summary>The base address from <paramref name="setting"/> or the production default, always ending in "/".</summary>
    public static Uri BaseUri(ExchangeSettings settings, string setting, string fallback, string typeName)
    {
        var text = settings.Get(setting) is { Length: > 0 } v ? v.Trim() : fallback;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.UserInfo.Length > 0 || uri.Query.Length > 0)
            throw new ExchangeException($"{typeName}: setting '{setting}' must be an http(s) address without credentials or query, not '{text}'");
        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    /// <summary>Null when <paramref name="text"/> is a usable base address, else the problem.</summary>
    public static string? CheckBaseUri(ExchangeSettings settings, string setting, string fallback, string typeName)
    {
        try { BaseUri(settings, setting, fallback, typeName); return null; }
        catch (ExchangeException e) { return e.Message; }
    }

    public static T? ReadCheckpoint<T>(string? checkpoint, string typeName) where T : class
    {
        if (string.IsNullOrWhiteSpace(checkpoint)) return null;
        try { return JsonSerializer.Deserialize<T>(checkpoint) ?? throw new JsonException("null"); }
        catch (JsonException e)
        {
            throw new ExchangeException($"{typeName}: the stored checkpoint is not one this exchange type wrote ({e.Message}); reset the exchange's checkpoint to fetch from the start");
        }
    }

    public static string WriteCheckpoint<T>(T checkpoint) => JsonSerializer.Serialize(checkpoint);

    /// <summary>A Unix time in seconds, or null when a service sent one outside the calendar.</summary>
    public static DateTimeOffset? UnixTime(long seconds) =>
        seconds is >= 0 and < 253402300800 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    /// <summary>A field value cut to the limit, so an overlong label cannot fail a whole item.</summary>
    public static string Clip(string value, int max) => value.Length <= max ? value : value[..max];
}

using System.Text.Json;
using Safeguard.Exchanges.Http;
using Safeguard.Exchanges.Lists;

namespace Safeguard.Exchanges.UrlExchange;

/// <summary>A hash list at an http(s) URL, downloaded whole when it changed (ETag, Last-Modified, content hash).</summary>
public sealed class UrlExchangeType : ExchangeType
{
    public static readonly ExchangeSetting UrlSetting = new("url", "the list's http or https URL (no credentials in it)", Required: true);
    public static readonly ExchangeSetting AuthorizationSetting = new("authorization", "value of the Authorization header, e.g. 'Bearer TOKEN'", Secret: true);
    public static readonly ExchangeSetting HeadersSetting = new("headers", "more request headers as a JSON object, e.g. {\"X-Api-Key\": \"...\"}", Secret: true);

    public override string Name => "url";

    public override string Description => "a hash list at an http(s) URL (plain, CSV or VICS JSON), replaced whole when it changes";

    public override IReadOnlyList<ExchangeSetting> Settings { get; } =
        [UrlSetting, HashList.Format, HashList.SignalType, HashList.AllowEmpty, AuthorizationSetting, HeadersSetting];

    public override string? Validate(ExchangeSettings settings)
    {
        if ((base.Validate(settings) ?? HashList.Validate(settings)) is { } problem) return problem;
        try
        {
            ExchangeHttp.CheckUrl(settings.Require(UrlSetting.Name));
            _ = ReadHeaders(settings);
            return null;
        }
        catch (ExchangeException ex)
        {
            return ex.Message;
        }
    }

    public override IExchangeClient Create(ExchangeSettings settings, ExchangeContext context) => new UrlExchangeClient(settings, context);

    /// <summary>The request headers the settings ask for (never logged: they may hold keys).</summary>
    internal static List<KeyValuePair<string, string>> ReadHeaders(ExchangeSettings settings)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (settings.Get(AuthorizationSetting.Name) is { Length: > 0 } auth) headers.Add(new("Authorization", auth));
        if (settings.Get(HeadersSetting.Name) is not { Length: > 0 } json) return headers;
        Dictionary<string, string>? parsed;
        try { parsed = JsonSerializer.Deserialize<Dictionary<string, string>>(json); }
        catch (JsonException) { throw new ExchangeException("setting 'headers' must be a JSON object of header names to text values"); }
        foreach (var (name, value) in parsed ?? [])
        {
            if (name.Length == 0 || name.Any(c => c <= ' ' || c >= 127 || c == ':') || value is null || value.Any(c => c is '\r' or '\n' or '\0'))
                throw new ExchangeException($"setting 'headers': header '{name}' has a bad name or value");
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.StartsWith("If-", StringComparison.OrdinalIgnoreCase))
                throw new ExchangeException($"setting 'headers': header '{name}' is set by the exchange itself");
            headers.Add(new(name, value));
        }
        return headers;
    }
}

using System.Text.RegularExpressions;
using Safeguard.Exchanges.Services;

namespace Safeguard.Exchanges.ThreatExchange;

/// <summary>
/// Meta's ThreatExchange (Graph API): the /threat_updates stream of one privacy group, with
/// deletions (should_delete) and reactions on descriptors as feedback.
/// </summary>
public sealed partial class ThreatExchangeExchangeType : ExchangeType
{
    public const string ProductionUrl = "https://graph.facebook.com/v21.0";

    public override string Name => "threatexchange";

    public override string Description => "Meta ThreatExchange: a privacy group's threat_updates (PDQ, MD5, video MD5, ...), deletions, reactions as feedback";

    public override IReadOnlyList<ExchangeSetting> Settings { get; } =
    [
        new("access_token", "the app's access token (APPID|SECRET)", Required: true, Secret: true),
        new("privacy_group", "the privacy group id whose threat updates are fetched", Required: true),
        new("base_url", $"the Graph API address (default {ProductionUrl}; a test server)"),
        new("page_size", "updates per page (1..1000, default 500)"),
        new("types", "comma-separated indicator types to ask for (e.g. HASH_PDQ,HASH_MD5); empty: all"),
    ];

    public override bool SupportsFeedback => true;

    public override string? Validate(ExchangeSettings settings)
    {
        if (base.Validate(settings) is { } error) return error;
        try
        {
            _ = ThreatExchangeOptions.From(settings);
            return null;
        }
        catch (ExchangeException e) { return e.Message; }
    }

    public override IExchangeClient Create(ExchangeSettings settings, ExchangeContext context) =>
        new ThreatExchangeClient(ThreatExchangeOptions.From(settings), new ServiceHttp(Name, context));

    [GeneratedRegex(@"^[0-9]{8,}(?:%7C|\|)[a-zA-Z0-9_\-]{20,}$")]
    internal static partial Regex AppToken();

    [GeneratedRegex(@"^[A-Z0-9_]{1,64}(,[A-Z0-9_]{1,64})*$")]
    internal static partial Regex TypeList();
}

internal sealed record ThreatExchangeOptions(string AccessToken, string PrivacyGroup, Uri BaseUri, int PageSize, string? Types)
{
    public static ThreatExchangeOptions From(ExchangeSettings settings)
    {
        var token = settings.Require("access_token").Trim();
        // The message never repeats the token.
        if (!ThreatExchangeExchangeType.AppToken().IsMatch(token))
            throw new ExchangeException("threatexchange: setting 'access_token' does not look like an app access token (APPID|SECRET)");
        var group = settings.Require("privacy_group").Trim();
        if (group.Length > 20 || !group.All(char.IsAsciiDigit))
            throw new ExchangeException($"threatexchange: setting 'privacy_group' must be a numeric id, not '{group}'");
        var size = settings.GetInt("page_size", 500);
        if (size is < 1 or > 1000) throw new ExchangeException($"threatexchange: setting 'page_size' must be 1..1000, not {size}");
        var types = settings.Get("types") is { Length: > 0 } t ? t.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant() : null;
        if (types is not null && !ThreatExchangeExchangeType.TypeList().IsMatch(types))
            throw new ExchangeException($"threatexchange: setting 'types' must be comma-separated indicator types like HASH_PDQ, not '{types}'");
        return new ThreatExchangeOptions(token, group, ServiceText.BaseUri(settings, "base_url", ThreatExchangeExchangeType.ProductionUrl, "threatexchange"), size, types);
    }
}

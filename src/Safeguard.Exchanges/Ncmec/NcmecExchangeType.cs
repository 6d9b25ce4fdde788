using Safeguard.Exchanges.Services;

namespace Safeguard.Exchanges.Ncmec;

/// <summary>
/// NCMEC's hash sharing API (v2, XML over HTTP basic auth): entries of images and videos with their
/// fingerprints, deleted entries as tombstones, and up/down votes as feedback.
/// </summary>
public sealed class NcmecExchangeType : ExchangeType
{
    /// <summary>NCMEC's databases by name, as the public client lists them.</summary>
    public static IReadOnlyDictionary<string, string> Environments { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Industry"] = "https://report.cybertip.org/hashsharing",
        ["Industry_Exploitative"] = "https://report.cybertip.org/exploitative-hashsharing",
        ["LawEnforcement"] = "https://lesp.ncmec.org/csam-hashsharing",
        ["NGO"] = "https://hashsharing.ncmec.org/npo",
        ["Exploitative"] = "https://hashsharing.ncmec.org/exploitative",
        ["NGO_Generative_AI"] = "https://hashsharing.ncmec.org/generative-ai-csam",
        ["NGO_Generative_AI_Exploitative"] = "https://hashsharing.ncmec.org/generative-ai-exploitative",
        ["test_Industry"] = "https://exttest.cybertip.org/hashsharing",
        ["test_Industry_Exploitative"] = "https://exttest.cybertip.org/exploitative-hashsharing",
        ["test_LawEnforcement"] = "https://betalesp.ncmec.org/csam-hashsharing",
        ["test_NGO"] = "https://hashsharing-test.ncmec.org/npo",
        ["test_Exploitative"] = "https://hashsharing-test.ncmec.org/exploitative",
        ["test_NGO_Generative_AI"] = "https://hashsharing-test.ncmec.org/generative-ai-csam",
        ["test_NGO_Generative_AI_Exploitative"] = "https://hashsharing-test.ncmec.org/generative-ai-exploitative",
    };

    public override string Name => "ncmec";

    public override string Description => "NCMEC hash sharing (XML API v2): image and video fingerprints, deletions, up/down-vote feedback";

    public override IReadOnlyList<ExchangeSetting> Settings { get; } =
    [
        new("username", "the hash sharing API user name", Required: true),
        new("password", "the hash sharing API password", Required: true, Secret: true),
        new("environment", "which NCMEC database: Industry (default), NGO, Exploitative, LawEnforcement, ... or a test_ one"),
        new("base_url", "overrides the environment's address (a test server)"),
        new("only_esp_ids", "comma-separated member (ESP) ids whose entries are taken; empty: all"),
        new("negative_reason", "the reason GUID sent with false-positive feedback (needed when NCMEC offers more than one)"),
    ];

    public override bool SupportsFeedback => true;

    public override string? Validate(ExchangeSettings settings)
    {
        if (base.Validate(settings) is { } error) return error;
        try
        {
            _ = NcmecOptions.From(settings);
            return null;
        }
        catch (ExchangeException e) { return e.Message; }
    }

    public override IExchangeClient Create(ExchangeSettings settings, ExchangeContext context) =>
        new NcmecClient(NcmecOptions.From(settings), new ServiceHttp(Name, context), context.Clock);
}

/// <summary>An NCMEC exchange's settings, checked.</summary>
internal sealed record NcmecOptions(string Username, string Password, Uri BaseUri, IReadOnlySet<long> OnlyEspIds, string? NegativeReason)
{
    public static NcmecOptions From(ExchangeSettings settings)
    {
        var environment = settings.Get("environment") is { Length: > 0 } e ? e.Trim() : "Industry";
        if (!NcmecExchangeType.Environments.TryGetValue(environment, out var address))
            throw new ExchangeException($"ncmec: setting 'environment' must be one of {string.Join(", ", NcmecExchangeType.Environments.Keys)}, not '{environment}'");
        var ids = new HashSet<long>();
        foreach (var part in (settings.Get("only_esp_ids") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            ids.Add(long.TryParse(part, System.Globalization.CultureInfo.InvariantCulture, out var id) && id >= 0
                ? id : throw new ExchangeException($"ncmec: setting 'only_esp_ids' must list whole numbers, not '{part}'"));
        var username = settings.Require("username");
        if (username.Contains(':', StringComparison.Ordinal)) throw new ExchangeException("ncmec: setting 'username' may not contain ':'");
        return new NcmecOptions(username, settings.Require("password"), ServiceText.BaseUri(settings, "base_url", address, "ncmec"), ids,
            settings.Get("negative_reason") is { Length: > 0 } r ? r.Trim() : null);
    }
}

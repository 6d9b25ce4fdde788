using Safeguard.Exchanges.Services;

namespace Safeguard.Exchanges.Tat;

/// <summary>
/// Tech Against Terrorism's hash list (TCAP): terrorist content hashes (PDQ, MD5) with their
/// ideology, paged after a checkpoint, deleted hashes marked as such. No feedback API.
/// </summary>
public sealed class TatExchangeType : ExchangeType
{
    public const string ProductionUrl = "https://app.terrorismanalytics.org/";

    public override string Name => "tat";

    public override string Description => "Tech Against Terrorism hash list (TCAP): PDQ and MD5 hashes of terrorist content, with deletions";

    public override IReadOnlyList<ExchangeSetting> Settings { get; } =
    [
        new("username", "the TCAP account user name", Required: true),
        new("password", "the TCAP account password", Required: true, Secret: true),
        new("base_url", $"the TCAP address (default {ProductionUrl}; a test server)"),
    ];

    public override string? Validate(ExchangeSettings settings)
    {
        if (base.Validate(settings) is { } error) return error;
        return ServiceText.CheckBaseUri(settings, "base_url", ProductionUrl, Name);
    }

    public override IExchangeClient Create(ExchangeSettings settings, ExchangeContext context) =>
        new TatClient(settings.Require("username").Trim(), settings.Require("password"),
            ServiceText.BaseUri(settings, "base_url", ProductionUrl, Name), new ServiceHttp(Name, context));
}

namespace Safeguard.Exchanges.Federation;

/// <summary>
/// `safeguard`: another Safeguard instance's bank, read as its signed delta feed
/// (<c>GET /v1/feeds/{bank}</c>) with the publisher's key pinned. See docs/federation.md.
/// </summary>
public sealed class SafeguardExchangeType : ExchangeType
{
    public override string Name => "safeguard";

    public override string Description => "another Safeguard instance's bank, as its Ed25519-signed delta feed (the publisher's key pinned)";

    public override IReadOnlyList<ExchangeSetting> Settings { get; } =
    [
        new("url", "the publisher's base URL (https://publisher.example)", Required: true),
        new("bank", "the publisher's bank name", Required: true),
        new("api_key", "the API key the publisher issued (role subscriber, with a grant for the bank)", Required: true, Secret: true),
        new("public_key", "the publisher's feed key as `safeguard feeds key` prints it (base64 of 32 bytes, or PEM); pinned", Required: true),
        new("feedback_key", "this subscriber's Ed25519 private key for signed feedback (`safeguard feeds keygen`), base64 seed or PEM", Secret: true),
        new("page_size", $"entries per page, 1..{FeedProtocol.MaxPageEntries} (default 5000)"),
    ];

    public override bool SupportsFeedback => true;

    public override string? Validate(ExchangeSettings settings)
    {
        if (base.Validate(settings) is { } error) return error;
        try
        {
            _ = SafeguardFeedClient.Options.From(settings);
            return null;
        }
        catch (ExchangeException ex) { return ex.Message; }
    }

    public override IExchangeClient Create(ExchangeSettings settings, ExchangeContext context) =>
        new SafeguardFeedClient(SafeguardFeedClient.Options.From(settings), context);
}

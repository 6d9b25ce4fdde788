using Safeguard.Exchanges.Services;

namespace Safeguard.Exchanges.StopNcii;

/// <summary>
/// StopNCII.org's hash API: hashes people submitted of their intimate images, fetched with
/// FetchHashes (withdrawn and deleted cases come back as such), feedback sent with SubmitFeedback.
/// </summary>
public sealed class StopNciiExchangeType : ExchangeType
{
    public const string ProductionUrl = "https://api.stopncii.org/v1";

    public override string Name => "stopncii";

    public override string Description => "StopNCII.org: image PDQ, video MD5 and TMK hashes with withdrawals; feedback via SubmitFeedback";

    public override IReadOnlyList<ExchangeSetting> Settings { get; } =
    [
        new("subscription_key", "the API Management subscription key (sent as Ocp-Apim-Subscription-Key)", Required: true, Secret: true),
        new("fetch_function_key", "the function key of FetchHashes (sent as x-functions-key)", Required: true, Secret: true),
        new("feedback_function_key", "the function key of SubmitFeedback; needed to send feedback", Secret: true),
        new("base_url", $"the API address (default {ProductionUrl}; a test server)"),
        new("page_size", "hashes per page (1..10000, default 800)"),
    ];

    public override bool SupportsFeedback => true;

    public override string? Validate(ExchangeSettings settings)
    {
        if (base.Validate(settings) is { } error) return error;
        try
        {
            _ = StopNciiOptions.From(settings);
            return null;
        }
        catch (ExchangeException e) { return e.Message; }
    }

    public override IExchangeClient Create(ExchangeSettings settings, ExchangeContext context) =>
        new StopNciiClient(StopNciiOptions.From(settings), new ServiceHttp(Name, context));
}

internal sealed record StopNciiOptions(string SubscriptionKey, string FetchKey, string? FeedbackKey, Uri BaseUri, int PageSize)
{
    public static StopNciiOptions From(ExchangeSettings settings)
    {
        var size = settings.GetInt("page_size", 800);
        if (size is < 1 or > 10_000) throw new ExchangeException($"stopncii: setting 'page_size' must be 1..10000, not {size}");
        return new StopNciiOptions(settings.Require("subscription_key").Trim(), settings.Require("fetch_function_key").Trim(),
            settings.Get("feedback_function_key") is { Length: > 0 } f ? f.Trim() : null,
            ServiceText.BaseUri(settings, "base_url", StopNciiExchangeType.ProductionUrl, "stopncii"), size);
    }
}

using System.Text.Json.Serialization;
using Safeguard.Exchanges;

namespace Safeguard.Server.Exchanges;

// Exchanges as the API, the dashboard and `exchange list --json` show them: settings redacted,
// errors scrubbed of secret values, times as ISO 8601, lag in seconds.

/// <summary>One row of <c>/v1/index/status</c>'s <c>exchanges</c> (the dashboard's table); every field is always present, null when unknown.</summary>
public sealed record ExchangeStatusView(
    string Name, string Type, string Bank, bool Enabled,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? LastFetch,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? LastSuccess,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? LagSeconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? NextFetch,
    int ConsecutiveFailures);

/// <summary>An exchange's configuration and where its fetching stands.</summary>
public sealed record ExchangeView(
    string Name, string Type, string Bank, bool Enabled, bool FeedbackEnabled, double IntervalSeconds,
    IReadOnlyDictionary<string, string> Settings, DateTimeOffset CreatedAt, ExchangeProgressView Status);

public sealed record ExchangeProgressView(
    DateTimeOffset? LastFetch, DateTimeOffset? LastSuccess, DateTimeOffset? UpstreamTime, double? LagSeconds, string? Error,
    int ConsecutiveFailures, DateTimeOffset? NextFetch, long Pages, long Added, long Updated, long Withdrawn, long Pending);

/// <summary>A type as <c>GET /v1/exchanges/types</c> and <c>exchange types</c> list it.</summary>
public sealed record ExchangeTypeView(string Name, string Description, bool SupportsFeedback, IReadOnlyList<ExchangeSettingView> Settings);

public sealed record ExchangeSettingView(string Name, string Description, bool Required, bool Secret);

/// <summary>What a fetch did, as the fetch route and <c>exchange fetch --json</c> give it.</summary>
public sealed record FetchResultView(string Exchange, bool Succeeded, int Pages, long Added, long Updated, long Withdrawn, long Rejected, string? Error, double Seconds);

public static class ExchangeViews
{
    public static ExchangeView Of(ExchangeInfo x, ExchangeStatus? s, DateTimeOffset now)
    {
        var type = ExchangeTypes.Find(x.Type);
        return new ExchangeView(x.Name, x.Type, x.Bank, x.Enabled, x.FeedbackEnabled, x.Interval.TotalSeconds,
            ExchangeRequests.Shown(type, x.Settings), x.CreatedAt,
            new ExchangeProgressView(s?.LastFetch, s?.LastSuccess, s?.UpstreamTime, Lag(s, now), Error(x, s), s?.ConsecutiveFailures ?? 0,
                s?.NextFetch, s?.Pages ?? 0, s?.Added ?? 0, s?.Updated ?? 0, s?.Withdrawn ?? 0, s?.Pending ?? 0));
    }

    public static ExchangeStatusView StatusOf(ExchangeInfo x, ExchangeStatus? s, DateTimeOffset now) =>
        new(x.Name, x.Type, x.Bank, x.Enabled, s?.LastFetch, s?.LastSuccess, Lag(s, now), Error(x, s), s?.NextFetch, s?.ConsecutiveFailures ?? 0);

    public static ExchangeTypeView TypeOf(ExchangeType t) =>
        new(t.Name, t.Description, t.SupportsFeedback, t.Settings.Select(s => new ExchangeSettingView(s.Name, s.Description, s.Required, s.Secret)).ToList());

    public static FetchResultView ResultOf(FetchResult r, ExchangeInfo? x) =>
        new(r.Exchange, r.Succeeded, r.Pages, r.Added, r.Updated, r.Withdrawn, r.Rejected,
            x is null ? r.Error : ExchangeRequests.Scrub(r.Error, ExchangeTypes.Find(x.Type), x.Settings), Math.Round(r.Elapsed.TotalSeconds, 3));

    /// <summary>The error as stored, with any secret setting value an upstream echoed replaced by "***".</summary>
    public static string? Error(ExchangeInfo x, ExchangeStatus? s) => ExchangeRequests.Scrub(s?.Error, ExchangeTypes.Find(x.Type), x.Settings);

    private static double? Lag(ExchangeStatus? s, DateTimeOffset now) => s?.Lag(now) is { } lag ? Math.Max(0, Math.Round(lag.TotalSeconds)) : null;
}

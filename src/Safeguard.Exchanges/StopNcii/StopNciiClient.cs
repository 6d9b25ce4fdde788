using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Safeguard.Exchanges.Services;

namespace Safeguard.Exchanges.StopNcii;

/// <summary>
/// Where a StopNCII fetch stands: the nextSetTimestamp of the last applied page, the value the
/// service says to start from next. Page tokens are short-lived, so they are never stored.
/// </summary>
internal sealed record StopNciiCheckpoint
{
    [JsonPropertyName("start_timestamp")] public long StartTimestamp { get; init; }
}

internal sealed class StopNciiClient(StopNciiOptions options, ServiceHttp http) : IExchangeClient
{
    /// <summary>The public client's first start time (the service treats small values as "from the beginning").</summary>
    internal const long DefaultStart = 10;

    public async IAsyncEnumerable<ExchangePage> FetchAsync(string? checkpoint, [EnumeratorCancellation] CancellationToken ct)
    {
        var start = ServiceText.ReadCheckpoint<StopNciiCheckpoint>(checkpoint, http.TypeName)?.StartTimestamp ?? DefaultStart;
        string? token = null;
        while (true)
        {
            var query = $"startTimestamp={start}&pageSize={options.PageSize}" + (token is null ? "" : $"&nextPageToken={Uri.EscapeDataString(token)}");
            var uri = new Uri(options.BaseUri, "FetchHashes?" + query);
            var response = await http.SendAsync(() => Request(HttpMethod.Get, uri, options.FetchKey), "json", ct).ConfigureAwait(false);
            var page = StopNciiJson.Parse(response.Body, http.Limits, http);
            if (page.HasMoreRecords && (page.NextPageToken is null || page.NextPageToken == token))
                throw http.Error(page.NextPageToken is null
                    ? "the service says it has more records but gave no nextPageToken"
                    : "the service returned the same page again (its nextPageToken did not move)");
            yield return new ExchangePage
            {
                Items = page.Items,
                Checkpoint = ServiceText.WriteCheckpoint(new StopNciiCheckpoint { StartTimestamp = page.NextSetTimestamp }),
                UpstreamTime = page.Newest is { } n ? ServiceText.UnixTime(n) : null,
                Unchanged = page.Items.Count == 0 && page.Skipped == 0 && page.NextSetTimestamp == start,
                Skipped = page.Skipped,
            };
            if (!page.HasMoreRecords) yield break;
            token = page.NextPageToken;
        }
    }

    private HttpRequestMessage Request(HttpMethod method, Uri uri, string functionKey)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Add("x-functions-key", functionKey);
        request.Headers.Add("Ocp-Apim-Subscription-Key", options.SubscriptionKey);
        return request;
    }

    public async Task SendFeedbackAsync(ExchangeFeedback feedback, CancellationToken ct)
    {
        var key = options.FeedbackKey ?? throw http.Error("setting 'feedback_function_key' is needed to send feedback");
        if (StopNciiJson.TypeFor(feedback.SignalType) is null)
            throw http.Error($"StopNCII takes no feedback on signal type '{feedback.SignalType}'");
        var value = feedback.Verdict == FeedbackVerdict.Confirmed ? "Blocked" : "NotBlocked";
        var body = JsonSerializer.SerializeToUtf8Bytes(new FeedbackRequest(1, [new HashFeedback([], value, feedback.Value)]));
        var uri = new Uri(options.BaseUri, "SubmitFeedback");
        await http.SendAsync(() =>
        {
            var request = Request(HttpMethod.Post, uri, key);
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new("application/json") { CharSet = Encoding.UTF8.WebName };
            return request;
        }, null, ct).ConfigureAwait(false);
    }

    private sealed record FeedbackRequest(
        [property: JsonPropertyName("count")] int Count,
        [property: JsonPropertyName("hashFeedbacks")] IReadOnlyList<HashFeedback> HashFeedbacks);

    private sealed record HashFeedback(
        [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags,
        [property: JsonPropertyName("feedbackValue")] string FeedbackValue,
        [property: JsonPropertyName("hashValue")] string HashValue);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

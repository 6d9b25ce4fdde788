using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Safeguard.Exchanges.Services;

namespace Safeguard.Exchanges.ThreatExchange;

/// <summary>
/// Where a ThreatExchange fetch stands: the newest last_updated applied. A resumed fetch asks for
/// updates from that second on, so updates sharing the boundary second come again (harmless:
/// applying an update twice changes nothing). ThreatExchange keeps deletions for 90 days.
/// </summary>
internal sealed record ThreatExchangeCheckpoint
{
    [JsonPropertyName("update_time")] public long UpdateTime { get; init; }
}

internal sealed class ThreatExchangeClient(ThreatExchangeOptions options, ServiceHttp http) : IExchangeClient
{
    /// <summary>The fields asked for, as the public client asks: the indicator and its descriptors' owners, tags, status and reactions.</summary>
    internal const string Fields = "id,indicator,type,last_updated,should_delete,descriptors{id,reactions,my_reactions,owner{id},tags,status,added_on}";

    public async IAsyncEnumerable<ExchangePage> FetchAsync(string? checkpoint, [EnumeratorCancellation] CancellationToken ct)
    {
        var stored = ServiceText.ReadCheckpoint<ThreatExchangeCheckpoint>(checkpoint, http.TypeName);
        var query = $"access_token={Uri.EscapeDataString(options.AccessToken)}&limit={options.PageSize}&fields={Uri.EscapeDataString(Fields)}";
        if (stored is not null) query += $"&start_time={stored.UpdateTime}";
        if (options.Types is not null) query += $"&types={Uri.EscapeDataString(options.Types)}";
        var uri = new Uri(options.BaseUri, $"{options.PrivacyGroup}/threat_updates/?{query}");
        var highest = stored?.UpdateTime ?? 0;
        var first = true;
        while (true)
        {
            var response = await http.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), "json", ct).ConfigureAwait(false);
            var page = ThreatExchangeJson.ParseUpdates(response.Body, http.Limits, http);
            if (page.Items.Count == 0 && page.Next is null)
            {
                // Nothing (more): the first empty answer means nothing changed upstream.
                if (first) yield return new ExchangePage { Items = [], Checkpoint = ServiceText.WriteCheckpoint(new ThreatExchangeCheckpoint { UpdateTime = highest }), Unchanged = true };
                yield break;
            }
            first = false;
            if (page.Highest is { } h && h > highest) highest = h;
            yield return new ExchangePage
            {
                Items = page.Items,
                Checkpoint = ServiceText.WriteCheckpoint(new ThreatExchangeCheckpoint { UpdateTime = highest }),
                UpstreamTime = highest > 0 ? DateTimeOffset.FromUnixTimeSeconds(highest) : null,
                Skipped = page.Skipped,
            };
            if (page.Next is null) yield break;
            var next = http.SameOrigin(options.BaseUri, page.Next);
            if (next == uri) throw http.Error("the service returned the same page again (its next-page link did not move)");
            uri = next;
        }
    }

    public async Task SendFeedbackAsync(ExchangeFeedback feedback, CancellationToken ct)
    {
        var descriptor = (feedback.Metadata.TryGetValue("te_descriptor_ids", out var ids) ? ids : "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault(d => d.All(char.IsAsciiDigit));
        if (descriptor is null) throw http.Error("feedback needs the ThreatExchange descriptor it is about, and this entry has none (metadata 'te_descriptor_ids')");
        var reaction = feedback.Verdict == FeedbackVerdict.Confirmed ? "HELPFUL" : "DISAGREE_WITH_TAGS";
        var uri = new Uri(options.BaseUri, $"{descriptor}/?access_token={Uri.EscapeDataString(options.AccessToken)}");
        var response = await http.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new FormUrlEncodedContent([new("reactions", reaction)]),
        }, "json", ct).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(response.Body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("success", out var ok) || ok.ValueKind != JsonValueKind.True)
                throw http.Error($"the reaction on descriptor {descriptor} was not accepted");
        }
        catch (JsonException e)
        {
            throw http.Error($"the reaction answer is malformed JSON: {e.Message}");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

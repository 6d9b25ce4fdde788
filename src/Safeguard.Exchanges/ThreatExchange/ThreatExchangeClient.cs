using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Safeguard.Exchanges.Services;

namespace Safeguard.Exchanges.ThreatExchange;

/// <summary>
/// Where a ThreatExchange fetch stands: the newest last_updated applied, and the ids of the updates
/// of that second already applied. A resumed fetch asks for updates from that second on and
/// leaves out those ids, so it takes exactly the rest even when a page ended mid-second.
/// ThreatExchange keeps deletions for 90 days.
/// </summary>
internal sealed record ThreatExchangeCheckpoint
{
    [JsonPropertyName("update_time")] public long UpdateTime { get; init; }
    [JsonPropertyName("ids_at_time")] public IReadOnlyList<string> IdsAtTime { get; init; } = [];
}

internal sealed class ThreatExchangeClient(ThreatExchangeOptions options, ServiceHttp http) : IExchangeClient
{
    /// <summary>The fields asked for, as the public client asks: the indicator and its descriptors' owners, tags, status and reactions.</summary>
    internal const string Fields = "id,indicator,type,last_updated,should_delete,descriptors{id,reactions,my_reactions,owner{id},tags,status,added_on}";

    /// <summary>Beyond this many updates in one second the boundary ids are not kept (a resume then repeats that second: harmless, only slower).</summary>
    private const int MaxIdsAtTime = 10_000;

    public async IAsyncEnumerable<ExchangePage> FetchAsync(string? checkpoint, [EnumeratorCancellation] CancellationToken ct)
    {
        var stored = ServiceText.ReadCheckpoint<ThreatExchangeCheckpoint>(checkpoint, http.TypeName);
        var query = $"access_token={Uri.EscapeDataString(options.AccessToken)}&limit={options.PageSize}&fields={Uri.EscapeDataString(Fields)}";
        if (stored is not null) query += $"&start_time={stored.UpdateTime}";
        if (options.Types is not null) query += $"&types={Uri.EscapeDataString(options.Types)}";
        var uri = new Uri(options.BaseUri, $"{options.PrivacyGroup}/threat_updates/?{query}");
        var startTime = stored?.UpdateTime ?? 0;
        var applied = new HashSet<string>(stored?.IdsAtTime ?? [], StringComparer.Ordinal);
        var highest = startTime;
        var idsAtHighest = new HashSet<string>(applied, StringComparer.Ordinal);
        var yielded = false;
        while (true)
        {
            var response = await http.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), "json", ct, OAuthRefused).ConfigureAwait(false);
            var page = ThreatExchangeJson.ParseUpdates(response.Body, http.Limits, http);
            var items = new List<ExchangeItem>();
            long skipped = 0;
            foreach (var update in page.Updates)
            {
                if (update.Time == startTime && applied.Contains(update.Id)) continue; // applied by the fetch that wrote the checkpoint
                if (update.Time > highest) { highest = update.Time; idsAtHighest.Clear(); }
                if (update.Time == highest && idsAtHighest.Count < MaxIdsAtTime) idsAtHighest.Add(update.Id);
                if (update.Item is null) skipped++;
                else items.Add(update.Item);
            }
            if (items.Count > 0 || skipped > 0)
            {
                yielded = true;
                yield return new ExchangePage
                {
                    Items = items,
                    Checkpoint = ServiceText.WriteCheckpoint(new ThreatExchangeCheckpoint { UpdateTime = highest, IdsAtTime = [.. idsAtHighest.Order(StringComparer.Ordinal)] }),
                    UpstreamTime = highest > 0 ? ServiceText.UnixTime(highest) : null,
                    Skipped = skipped,
                };
            }
            if (page.Next is null)
            {
                if (!yielded) yield return new ExchangePage { Items = [], Checkpoint = checkpoint ?? ServiceText.WriteCheckpoint(new ThreatExchangeCheckpoint()), Unchanged = true };
                yield break;
            }
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
        }, "json", ct, OAuthRefused).ConfigureAwait(false);
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

    /// <summary>The Graph API refuses a bad or expired token with HTTP 400 and an OAuthException (code 190).</summary>
    private static bool OAuthRefused(int status, string body) =>
        body.Contains("OAuthException", StringComparison.Ordinal) || body.Contains("\"code\":190", StringComparison.Ordinal);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Serialization;
using Safeguard.Exchanges.Services;

namespace Safeguard.Exchanges.Ncmec;

/// <summary>
/// Where an NCMEC fetch stands. NCMEC does not return entries in time order, so only a finished
/// time range moves <see cref="From"/>; inside a range the paging link is kept (with the range's
/// end) so a stopped fetch resumes mid-range, but only for 12 hours, as NCMEC asks.
/// </summary>
internal sealed record NcmecCheckpoint
{
    [JsonPropertyName("from")] public long From { get; init; }
    [JsonPropertyName("to")] public long? To { get; init; }
    [JsonPropertyName("next")] public string? Next { get; init; }
    [JsonPropertyName("paged_at")] public long? PagedAt { get; init; }
}

internal sealed class NcmecClient(NcmecOptions options, ServiceHttp http, TimeProvider clock) : IExchangeClient
{
    private static readonly TimeSpan PagingLinkLife = TimeSpan.FromHours(12);

    public async IAsyncEnumerable<ExchangePage> FetchAsync(string? checkpoint, [EnumeratorCancellation] CancellationToken ct)
    {
        var stored = ServiceText.ReadCheckpoint<NcmecCheckpoint>(checkpoint, http.TypeName);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var from = stored?.From ?? 0;
        if (from < 0 || from > now || stored?.To is < 0 || stored?.To > now)
            throw http.Error("the stored checkpoint holds a time outside 1970..now; reset the exchange's checkpoint to fetch from the start");
        // Entries can arrive a moment late; staying a few seconds behind keeps them in the next range.
        var to = now - 5;
        string? next = null;
        if (stored is { Next: { } link, To: { } end, PagedAt: { } at } && now - at <= PagingLinkLife.TotalSeconds)
        {
            next = link;
            to = end;
        }
        if (to <= from)
        {
            yield return new ExchangePage { Items = [], Checkpoint = checkpoint!, Unchanged = true };
            yield break;
        }
        while (true)
        {
            var uri = next is null
                ? new Uri(options.BaseUri, $"v2/entries?from={Uri.EscapeDataString(NcmecXml.FormatTime(from))}&to={Uri.EscapeDataString(NcmecXml.FormatTime(to))}")
                : Link(next);
            var response = await http.SendAsync(() => Get(uri), "xml", ct).ConfigureAwait(false);
            var page = NcmecXml.ParseEntries(NcmecXml.Load(response.Body, http, "GET /v2/entries"), options, http.Limits, http);
            if (page.Next is not null && page.Next == next)
                throw http.Error("the service returned the same page again (its next-page link did not move)");
            var nextCheckpoint = page.Next is null
                ? new NcmecCheckpoint { From = to }
                : new NcmecCheckpoint { From = from, To = to, Next = page.Next, PagedAt = now };
            yield return new ExchangePage
            {
                Items = page.Items,
                Checkpoint = ServiceText.WriteCheckpoint(nextCheckpoint),
                UpstreamTime = page.MaxTimestamp,
                Skipped = page.Skipped,
            };
            if (page.Next is null) yield break;
            next = page.Next;
        }
    }

    /// <summary>NCMEC's paging link is a path under the environment's address ("/v2/entries?...").</summary>
    private Uri Link(string next)
    {
        if (!next.StartsWith('/')) throw http.Error("the service's next-page link is not a path");
        return http.SameOrigin(options.BaseUri, options.BaseUri.AbsoluteUri.TrimEnd('/') + next);
    }

    private HttpRequestMessage Get(Uri uri)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = Basic();
        return request;
    }

    private AuthenticationHeaderValue Basic() =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}")));

    public async Task SendFeedbackAsync(ExchangeFeedback feedback, CancellationToken ct)
    {
        var fingerprint = NcmecXml.FingerprintFor(feedback.SignalType)
            ?? throw http.Error($"NCMEC takes no feedback on signal type '{feedback.SignalType}'");
        var (esp, entry) = EntryOf(feedback);
        string? reason = null;
        if (feedback.Verdict == FeedbackVerdict.FalsePositive)
            reason = options.NegativeReason ?? await OnlyReasonAsync(fingerprint, ct).ConfigureAwait(false);
        var body = NcmecXml.FeedbackBody(reason);
        var uri = new Uri(options.BaseUri, $"v2/entries/{Uri.EscapeDataString(esp)}/{Uri.EscapeDataString(entry)}/{fingerprint}/feedback");
        await http.SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Put, uri) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml") { CharSet = "utf-8" };
            request.Headers.Authorization = Basic();
            return request;
        }, null, ct).ConfigureAwait(false);
    }

    /// <summary>The entry a verdict is about: from the metadata stored with it, or its upstream id ("member-entry").</summary>
    private (string Esp, string Entry) EntryOf(ExchangeFeedback feedback)
    {
        if (feedback.Metadata.TryGetValue("ncmec_member_id", out var esp) && feedback.Metadata.TryGetValue("ncmec_entry_id", out var entry))
            return (esp, entry);
        if (feedback.UpstreamId is { } id && id.IndexOf('-', StringComparison.Ordinal) is > 0 and var dash
            && long.TryParse(id.AsSpan(0, dash), CultureInfo.InvariantCulture, out _) && dash < id.Length - 1)
            return (id[..dash], id[(dash + 1)..]);
        throw http.Error("feedback needs the NCMEC entry it is about (upstream id 'member-entry'), and this entry has none");
    }

    private async Task<string> OnlyReasonAsync(string fingerprint, CancellationToken ct)
    {
        var uri = new Uri(options.BaseUri, $"v2/feedback/{fingerprint}/reasons");
        var response = await http.SendAsync(() => Get(uri), "xml", ct).ConfigureAwait(false);
        var root = NcmecXml.Load(response.Body, http, $"GET /v2/feedback/{fingerprint}/reasons");
        var reasons = root.DescendantsAndSelf().Where(e => e.Name.LocalName == "reason")
            .Select(e => (Guid: e.Attribute("guid")?.Value, Name: e.Attribute("name")?.Value)).Where(r => !string.IsNullOrEmpty(r.Guid)).ToList();
        return reasons.Count switch
        {
            1 => reasons[0].Guid!,
            0 => throw http.Error($"NCMEC offers no negative feedback reason for {fingerprint}"),
            _ => throw http.Error($"NCMEC offers several negative feedback reasons for {fingerprint}; set 'negative_reason' to one of: "
                + string.Join(", ", reasons.Select(r => $"{r.Guid} ({r.Name})"))),
        };
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using NSec.Cryptography;

namespace Safeguard.Exchanges.Federation;

/// <summary>
/// Reads a publisher's bank feed page by page. Each page's signature is checked over the exact
/// bytes received, with the pinned key, before anything in it is parsed; then the page must be for
/// this bank, start at the checkpoint asked for, and move it forward. Any failure throws, so the
/// fetcher stores nothing of that page and the checkpoint stays where it was.
/// </summary>
public sealed class SafeguardFeedClient(SafeguardFeedClient.Options options, ExchangeContext context) : IExchangeClient
{
    /// <summary>The settings, parsed and checked.</summary>
    public sealed record Options(Uri BaseUrl, string Bank, string ApiKey, PublicKey PublisherKey, string PublisherKeyId, string? FeedbackKey, int PageSize)
    {
        public static Options From(ExchangeSettings s)
        {
            var urlText = s.Require("url");
            if (!Uri.TryCreate(urlText.TrimEnd('/') + "/", UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(url.Query))
                throw new ExchangeException($"setting 'url' must be an http(s) base URL, not '{urlText}'");
            var bank = s.Require("bank");
            if (bank.Length > 200 || bank.Any(char.IsControl)) throw new ExchangeException("setting 'bank' must be a bank name (up to 200 printable characters)");
            var key = FeedProtocol.ParsePublicKey(s.Require("public_key"), "setting 'public_key'");
            if (s.Get("feedback_key") is { Length: > 0 } fk) FeedProtocol.ParsePrivateKey(fk, "setting 'feedback_key'").Dispose();
            int pageSize = s.GetInt("page_size", 5000);
            if (pageSize is < 1 or > FeedProtocol.MaxPageEntries) throw new ExchangeException($"setting 'page_size' must be 1..{FeedProtocol.MaxPageEntries}, not {pageSize}");
            return new Options(url, bank, s.Require("api_key"), key, FeedProtocol.KeyId(key), s.Get("feedback_key") is { Length: > 0 } f ? f : null, pageSize);
        }
    }

    private const int MaxMetadataPairs = 64;
    private const int MaxUriChars = 2048;
    private const int MaxTags = 64;

    public async IAsyncEnumerable<ExchangePage> FetchAsync(string? checkpoint, [EnumeratorCancellation] CancellationToken ct)
    {
        if (!FeedProtocol.TryParseCheckpoint(checkpoint, out var seq, out var entry))
            throw new ExchangeException($"stored checkpoint '{checkpoint}' is not a feed checkpoint (seq.entryId)");
        string since = FeedProtocol.FormatCheckpoint(seq, entry);
        for (int pages = 0; pages < context.Limits.MaxPagesPerFetch; pages++)
        {
            var page = await ReadPageAsync(since, ct);
            yield return page.Page;
            if (!page.More) yield break;
            since = page.Page.Checkpoint;
        }
    }

    private sealed record ReadPage(ExchangePage Page, bool More);

    private async Task<ReadPage> ReadPageAsync(string since, CancellationToken ct)
    {
        var uri = new Uri(options.BaseUrl, $"v1/feeds/{Uri.EscapeDataString(options.Bank)}?since={Uri.EscapeDataString(since)}&limit={options.PageSize}");
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        var (body, headers) = await SendAsync(request, ct);
        var where = $"feed page since {since}";

        // The signature first: nothing of an unsigned or badly signed page is read.
        var keyId = headers.TryGetValues(FeedProtocol.KeyIdHeader, out var ids) ? ids.FirstOrDefault() : null;
        var signature = headers.TryGetValues(FeedProtocol.SignatureHeader, out var sigs) ? sigs.FirstOrDefault() : null;
        if (string.IsNullOrEmpty(signature)) throw new ExchangeException($"{where}: unsigned (no {FeedProtocol.SignatureHeader} header); refused");
        if (keyId != options.PublisherKeyId)
            throw new ExchangeException($"{where}: signed by key '{Clip(keyId)}', not the pinned key {options.PublisherKeyId}; refused");
        if (!FeedProtocol.Verify(options.PublisherKey, FeedProtocol.PageSignedBytes(body), signature))
            throw new ExchangeException($"{where}: the signature does not verify with the pinned key {options.PublisherKeyId} (tampered or corrupt); refused");

        return Parse(body, since, where);
    }

    private ReadPage Parse(byte[] body, string since, string where)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 }); }
        catch (JsonException ex) { throw new ExchangeException($"{where}: malformed JSON ({ex.Message})"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ExchangeException($"{where}: not a JSON object");
            string feed = Str(root, "feed", where), bank = Str(root, "bank", where), pageSince = Str(root, "since", where), next = Str(root, "next", where);
            if (feed != options.PublisherKeyId) throw new ExchangeException($"{where}: page of feed '{Clip(feed)}', not {options.PublisherKeyId}; refused");
            if (bank != options.Bank) throw new ExchangeException($"{where}: page of bank '{Clip(bank)}', not '{options.Bank}'; refused");
            if (pageSince != since) throw new ExchangeException($"{where}: the page starts at '{Clip(pageSince)}', not at the checkpoint asked for (replayed or out of order); refused");
            if (!FeedProtocol.TryParseCheckpoint(next, out _, out _)) throw new ExchangeException($"{where}: next '{Clip(next)}' is not a checkpoint");
            bool more = root.TryGetProperty("more", out var m) && m.ValueKind == JsonValueKind.True;
            DateTimeOffset? issued = root.TryGetProperty("issued_at", out var ia) && ia.ValueKind == JsonValueKind.String && ia.TryGetDateTimeOffset(out var t) ? t : null;
            if (!root.TryGetProperty("entries", out var entries) || entries.ValueKind != JsonValueKind.Array)
                throw new ExchangeException($"{where}: no entries array");
            int count = entries.GetArrayLength();
            if (count > options.PageSize || count > FeedProtocol.MaxPageEntries)
                throw new ExchangeException($"{where}: {count} entries, more than the {Math.Min(options.PageSize, FeedProtocol.MaxPageEntries)} asked for; refused");
            if ((count > 0 || more) && !FeedProtocol.Advances(since, next))
                throw new ExchangeException($"{where}: next '{Clip(next)}' does not move past '{since}' (a feed that returns the same page forever); refused");
            if (count == 0 && next != since) throw new ExchangeException($"{where}: an empty page moves the checkpoint to '{Clip(next)}'; refused");

            var items = new List<ExchangeItem>(count);
            long rejected = 0;
            foreach (var e in entries.EnumerateArray())
            {
                if (ToItem(e) is { } item) items.Add(item);
                else rejected++;
            }
            var page = new ExchangePage { Items = items, Checkpoint = next, UpstreamTime = issued, Unchanged = count == 0, Rejected = rejected, Buffered = true };
            return new ReadPage(page, more);
        }
    }

    /// <summary>An entry as an item, or null when any value in it is unusable (it is rejected and counted, the page goes on).</summary>
    private ExchangeItem? ToItem(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object) return null;
        if (OptStr(e, "op", 16) is not { } op || OptStr(e, "signal_type", 40) is not { } typeName || OptStr(e, "value", 200_000) is not { } raw) return null;
        if (!Signals.SignalTypes.TryGet(typeName, out var type) || type.TryNormalize(raw, out _) is not { } value) return null;
        var record = new Banks.EntryRecord(type, value);
        switch (op)
        {
            case "remove" or "disable":
                return new ExchangeItem(record, Withdrawn: true);
            case "add" or "update":
                break;
            default:
                return null;
        }
        int max = context.Limits.MaxFieldChars;
        if (!TryOptional(e, "content_id", 200, out var contentId) || !TryOptional(e, "grade", 16, out var gradeText)
            || !TryOptional(e, "note", max, out var note) || !TryOptional(e, "original_media_uri", MaxUriChars, out var uri)) return null;
        int? category = null;
        if (e.TryGetProperty("category", out var c) && c.ValueKind != JsonValueKind.Null)
        {
            if (c.ValueKind != JsonValueKind.Number || !c.TryGetInt32(out var ci) || !Banks.Category.IsValidVics(ci)) return null;
            category = ci;
        }
        string? grade = null;
        if (gradeText is not null && (grade = Banks.Category.NormalizeGrade(gradeText)) is null) return null;
        var tags = new List<string>();
        if (e.TryGetProperty("tags", out var ts) && ts.ValueKind != JsonValueKind.Null)
        {
            if (ts.ValueKind != JsonValueKind.Array || ts.GetArrayLength() > MaxTags) return null;
            foreach (var tag in ts.EnumerateArray())
            {
                if (tag.ValueKind != JsonValueKind.String || tag.GetString() is not { Length: > 0 and <= 200 } s || s.Contains(Banks.Tags.Separator) || s.Any(char.IsControl)) return null;
                tags.Add(s);
            }
        }
        Dictionary<string, string>? metadata = null;
        if (e.TryGetProperty("metadata", out var md) && md.ValueKind != JsonValueKind.Null)
        {
            if (md.ValueKind != JsonValueKind.Object) return null;
            metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in md.EnumerateObject())
            {
                if (metadata.Count >= MaxMetadataPairs || p.Name.Length is 0 or > 200 || p.Value.ValueKind != JsonValueKind.String) return null;
                var v = p.Value.GetString()!;
                if (v.Length > max) return null;
                metadata[p.Name] = v;
            }
        }
        if (uri is not null && (!Uri.TryCreate(uri, UriKind.Absolute, out _) || uri.Any(char.IsControl))) return null;
        if (contentId is not null && contentId.Any(char.IsControl)) return null;
        return new ExchangeItem(record with
        {
            ContentId = contentId, Category = category, Grade = grade, Tags = tags, Note = note, Metadata = metadata, OriginalMediaUri = uri,
        });
    }

    public async Task SendFeedbackAsync(ExchangeFeedback feedback, CancellationToken ct)
    {
        if (options.FeedbackKey is null) throw new ExchangeException("setting 'feedback_key' is required to send feedback to a Safeguard publisher");
        var body = FeedbackBody(feedback, context.Clock.GetUtcNow());
        using var key = FeedProtocol.ParsePrivateKey(options.FeedbackKey, "setting 'feedback_key'");
        var signature = Convert.ToBase64String(SignatureAlgorithm.Ed25519.Sign(key, FeedProtocol.FeedbackSignedBytes(options.Bank, body)));
        var uri = new Uri(options.BaseUrl, $"v1/feeds/{Uri.EscapeDataString(options.Bank)}/feedback");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        request.Headers.TryAddWithoutValidation(FeedProtocol.FeedbackSignatureHeader, signature);
        await SendAsync(request, ct);
    }

    /// <summary>The feedback JSON: what is signed and sent, with a fresh random nonce.</summary>
    internal static byte[] FeedbackBody(ExchangeFeedback feedback, DateTimeOffset now)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("signal_type", feedback.SignalType);
            w.WriteString("value", feedback.Value);
            w.WriteString("verdict", feedback.Verdict == FeedbackVerdict.Confirmed ? "confirmed" : "false_positive");
            if (feedback.Note is not null) w.WriteString("note", feedback.Note);
            w.WriteString("sent_at", now.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("nonce", Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    /// <summary>Sends, reads the answer up to the response limit, and turns errors into exchange errors (transient for 429, 5xx and the network).</summary>
    private async Task<(byte[] Body, HttpResponseHeaders Headers)> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(context.Limits.RequestTimeout);
        var what = $"{request.Method} {options.BaseUrl.GetLeftPart(UriPartial.Authority)}{request.RequestUri!.AbsolutePath}";
        try
        {
            using var response = await context.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var body = await ReadCappedAsync(response.Content, context.Limits.MaxResponseBytes, what, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                int status = (int)response.StatusCode;
                bool transient = status is 429 or 408 || status >= 500;
                var detail = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300));
                throw new ExchangeException($"{what}: HTTP {status} {Hint(response.StatusCode)}{(detail.Length > 0 ? ": " + detail : "")}")
                {
                    Transient = transient, RetryAfter = response.Headers.RetryAfter?.Delta,
                };
            }
            return (body, response.Headers);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ExchangeException($"{what}: no complete answer within {context.Limits.RequestTimeout.TotalSeconds:F0} s") { Transient = true };
        }
        catch (HttpRequestException ex)
        {
            throw new ExchangeException($"{what}: {ex.Message}", ex) { Transient = true };
        }
    }

    private static string Hint(HttpStatusCode code) => code switch
    {
        HttpStatusCode.Unauthorized => "(the api_key is not accepted)",
        HttpStatusCode.Forbidden => "(the key lacks the subscriber role, or the feedback signature was refused)",
        HttpStatusCode.NotFound => "(no such bank, or no grant for this key on it)",
        HttpStatusCode.Conflict => "(refused as a replay)",
        _ => "",
    };

    private static async Task<byte[]> ReadCappedAsync(HttpContent content, long max, string what, CancellationToken ct)
    {
        if (content.Headers.ContentLength > max) throw new ExchangeException($"{what}: answer of {content.Headers.ContentLength} bytes, over the limit of {max}");
        await using var stream = await content.ReadAsStreamAsync(ct);
        using var ms = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(buffer, ct)) > 0)
        {
            if (ms.Length + n > max) throw new ExchangeException($"{what}: answer over the limit of {max} bytes; refused");
            ms.Write(buffer, 0, n);
        }
        return ms.ToArray();
    }

    private static string Str(JsonElement root, string name, string where) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: <= 400 } s ? s
            : throw new ExchangeException($"{where}: field '{name}' missing or not a short string");

    private static string? OptStr(JsonElement e, string name, int max) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { } s && s.Length <= max ? s : null;

    /// <summary>False when the field is there but not a string of at most <paramref name="max"/> characters.</summary>
    private static bool TryOptional(JsonElement e, string name, int max, out string? value)
    {
        value = null;
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return true;
        if (v.ValueKind != JsonValueKind.String || v.GetString() is not { } s || s.Length > max) return false;
        value = s;
        return true;
    }

    private static string Clip(string? s) => s is null ? "(none)" : s.Length <= 40 ? s : s[..40] + "…";

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

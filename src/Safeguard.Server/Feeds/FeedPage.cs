using System.Buffers;
using System.Text.Json;
using Safeguard.Banks;
using Safeguard.Banks.Storage;
using Safeguard.Exchanges.Federation;

namespace Safeguard.Server.Feeds;

/// <summary>A page of one bank's feed as sent: the exact body bytes and their signature.</summary>
public sealed record SignedFeedPage(ReadOnlyMemory<byte> Body, string KeyId, string Signature, int Entries, string Next, bool More);

/// <summary>
/// Builds a page of a bank's change feed: the changes after the checkpoint (keyset-paged in SQL),
/// written as JSON with only the fields the grant allows, then signed. A page is at most
/// <see cref="FeedProtocol.MaxPageEntries"/> entries, so its buffer is bounded.
/// </summary>
public sealed class FeedPageBuilder(IBankStore banks, FeedSigningKey key, TimeProvider clock)
{
    public async Task<SignedFeedPage> BuildAsync(string bank, long sinceSeq, long afterEntryId, int limit, FeedFields fields, CancellationToken ct)
    {
        limit = Math.Clamp(limit, 1, FeedProtocol.MaxPageEntries);
        // One more than the page tells whether more follow, without a second query.
        var changes = await banks.GetBankChangesAsync(bank, sinceSeq, afterEntryId, limit + 1, ct);
        bool more = changes.Count > limit;
        int count = Math.Min(changes.Count, limit);
        string since = FeedProtocol.FormatCheckpoint(sinceSeq, afterEntryId);
        string next = count == 0 ? since : FeedProtocol.FormatCheckpoint(changes[count - 1].ChangeSeq, changes[count - 1].EntryId);

        var buffer = new ArrayBufferWriter<byte>(4096 + count * 160);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("feed", key.Id);
            w.WriteString("bank", bank);
            w.WriteString("since", since);
            w.WriteString("next", next);
            w.WriteBoolean("more", more);
            w.WriteString("issued_at", clock.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteStartArray("entries");
            for (int i = 0; i < count; i++) WriteChange(w, changes[i], fields);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        var body = buffer.WrittenMemory;
        return new SignedFeedPage(body, key.Id, key.SignPage(body.Span), count, next, more);
    }

    private static void WriteChange(Utf8JsonWriter w, EntryChange c, FeedFields fields)
    {
        w.WriteStartObject();
        // A write is an upsert on the subscriber, so added and updated entries are both "add".
        w.WriteString("op", c.Removed ? "remove" : c.Disabled ? "disable" : "add");
        w.WriteString("signal_type", c.SignalType);
        w.WriteString("value", c.Value);
        if (c.Entry is { } e && !c.Removed)
        {
            if (fields.HasFlag(FeedFields.ContentIds) && e.ContentId is not null) w.WriteString("content_id", e.ContentId);
            if (fields.HasFlag(FeedFields.Categories))
            {
                if (e.Category is { } cat) w.WriteNumber("category", cat);
                if (e.Grade is not null) w.WriteString("grade", e.Grade);
            }
            if (fields.HasFlag(FeedFields.Tags) && e.Tags.Count > 0)
            {
                w.WriteStartArray("tags");
                foreach (var t in e.Tags) w.WriteStringValue(t);
                w.WriteEndArray();
            }
            if (fields.HasFlag(FeedFields.Notes) && e.Note is not null) w.WriteString("note", e.Note);
            if (fields.HasFlag(FeedFields.Metadata) && e.Metadata.Count > 0)
            {
                w.WriteStartObject("metadata");
                foreach (var (k, v) in e.Metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            if (fields.HasFlag(FeedFields.Uri) && e.OriginalMediaUri is not null) w.WriteString("original_media_uri", e.OriginalMediaUri);
        }
        w.WriteEndObject();
    }
}

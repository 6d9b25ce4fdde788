using System.Globalization;
using System.Text.Json;
using Safeguard.Exchanges.Federation;
using Safeguard.Server.Audit;
using Safeguard.Server.Data;
using Safeguard.Server.Errors;
using Safeguard.Signals;
using Safeguard.Storage;

namespace Safeguard.Server.Feeds;

/// <summary>A subscriber's verdict on an entry of a feed, as the publisher recorded it.</summary>
public sealed record FeedFeedbackRecord(long Id, string Bank, string KeyName, string SignalType, string Value, string Verdict, string? Note,
    DateTimeOffset SentAt, DateTimeOffset ReceivedAt, string Nonce);

/// <summary>
/// Signed feedback from subscribers: the signature is checked against the grant's feedback key
/// over the exact body before anything in it is read; a nonce is accepted once per key name.
/// </summary>
public sealed class FeedFeedback(ServerDb db, AuditLog audit, TimeProvider clock)
{
    public const int MaxBodyBytes = 16 * 1024;
    private const int MaxNoteChars = 4096;

    public async Task<FeedFeedbackRecord> RecordAsync(FeedGrant grant, byte[] body, string? signature, string actor)
    {
        if (grant.FeedbackKey is null) throw new ForbiddenException($"the grant of key '{grant.KeyName}' on bank '{grant.Bank}' has no feedback key; the publisher sets one with `feeds grant --feedback-key`");
        var key = FeedProtocol.ParsePublicKey(grant.FeedbackKey, "the grant's feedback key");
        if (string.IsNullOrEmpty(signature)) throw new ForbiddenException($"feedback must be signed: header {FeedProtocol.FeedbackSignatureHeader} is missing");
        if (!FeedProtocol.Verify(key, FeedProtocol.FeedbackSignedBytes(grant.Bank, body), signature))
            throw new ForbiddenException($"the {FeedProtocol.FeedbackSignatureHeader} signature does not verify with the grant's feedback key");

        var f = Parse(body);
        var now = clock.GetUtcNow();
        if ((f.SentAt - now).Duration() > FeedProtocol.FeedbackClockSkew)
            throw new ValidationException($"sent_at {f.SentAt:O} is more than {FeedProtocol.FeedbackClockSkew.TotalMinutes:F0} minutes from the publisher's clock");
        // The unique (key_name, nonce) index is what refuses a replay, even from two requests at once; this check only names it.
        if (await NonceSeenAsync(grant.KeyName, f.Nonce)) throw Replayed(f.Nonce);
        try
        {
            var id = await db.ScalarAsync(
                "INSERT INTO feed_feedback (bank, key_name, signal_type, value, verdict, note, sent_at, received_at, nonce) VALUES (@b, @k, @t, @v, @d, @n, @s, @r, @nonce) RETURNING id",
                ("@b", grant.Bank), ("@k", grant.KeyName), ("@t", f.SignalType), ("@v", f.Value), ("@d", f.Verdict), ("@n", f.Note),
                ("@s", f.SentAt.ToUnixTimeMilliseconds()), ("@r", now.ToUnixTimeMilliseconds()), ("@nonce", f.Nonce));
            await audit.AppendAsync(actor, "feed.feedback", $"bank:{grant.Bank}", $"key={grant.KeyName}; {f.SignalType}:{Truncate(f.Value, 80)}; verdict={f.Verdict}");
            return f with { Id = id!.Value, Bank = grant.Bank, KeyName = grant.KeyName, ReceivedAt = now };
        }
        catch (System.Data.Common.DbException ex)
        {
            throw await NonceSeenAsync(grant.KeyName, f.Nonce) ? Replayed(f.Nonce) : new InvalidOperationException("recording feedback failed", ex);
        }
    }

    private static ConflictException Replayed(string nonce) => new($"nonce '{nonce}' was already used: a replayed feedback is refused");

    private async Task<bool> NonceSeenAsync(string keyName, string nonce) =>
        await db.ScalarAsync("SELECT COUNT(*) FROM feed_feedback WHERE key_name = @k AND nonce = @n", ("@k", keyName), ("@n", nonce)) > 0;

    public Task<List<FeedFeedbackRecord>> ListAsync(string bank, long afterId, int limit) => db.QueryAsync(
        "SELECT id, bank, key_name, signal_type, value, verdict, note, sent_at, received_at, nonce FROM feed_feedback WHERE bank = @b AND id > @a ORDER BY id LIMIT @l",
        r => new FeedFeedbackRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6),
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(8)), r.GetString(9)),
        ("@b", bank), ("@a", afterId), ("@l", (long)limit));

    /// <summary>The body's fields, each checked; a bad one is a 400 naming it.</summary>
    internal static FeedFeedbackRecord Parse(byte[] body)
    {
        JsonElement root;
        try { root = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 4 }).RootElement; }
        catch (JsonException ex) { throw new ValidationException($"malformed feedback JSON: {ex.Message}"); }
        if (root.ValueKind != JsonValueKind.Object) throw new ValidationException("the feedback must be a JSON object");
        string typeName = Text(root, "signal_type", 40, required: true)!;
        if (!SignalTypes.TryGet(typeName, out var type)) throw new ValidationException($"feedback signal_type '{typeName}' is not a known signal type");
        var value = type.TryNormalize(Text(root, "value", 100_000, required: true)!, out var err) ?? throw new ValidationException($"feedback value: {err}");
        string verdict = Text(root, "verdict", 40, required: true)!;
        if (verdict is not ("confirmed" or "false_positive")) throw new ValidationException($"feedback verdict must be confirmed or false_positive, not '{verdict}'");
        string? note = Text(root, "note", MaxNoteChars, required: false);
        string sentText = Text(root, "sent_at", 40, required: true)!;
        if (!DateTimeOffset.TryParse(sentText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var sentAt))
            throw new ValidationException($"feedback sent_at '{sentText}' is not an ISO 8601 time");
        string nonce = Text(root, "nonce", 128, required: true)!;
        if (nonce.Length < 16 || !nonce.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new ValidationException("feedback nonce must be 16..128 letters, digits, '-' or '_'");
        return new FeedFeedbackRecord(0, "", "", type.Name, value, verdict, note, sentAt, default, nonce);
    }

    private static string? Text(JsonElement root, string name, int max, bool required)
    {
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return required ? throw new ValidationException($"feedback field '{name}' is required") : null;
        if (v.ValueKind != JsonValueKind.String) throw new ValidationException($"feedback field '{name}' must be a string");
        var s = v.GetString()!;
        return s.Length > max ? throw new ValidationException($"feedback field '{name}' is longer than {max} characters") : s;
    }

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..n] + "…";
}

using Safeguard.Exchanges.Federation;
using Safeguard.Server.Audit;
using Safeguard.Server.Data;
using Safeguard.Storage;

namespace Safeguard.Server.Feeds;

/// <summary>A subscriber's right to one bank's feed: the API key name it reads with, the fields it sees, and the public key its feedback is signed with.</summary>
public sealed record FeedGrant(long Id, string KeyName, string Bank, FeedFields Fields, string? FeedbackKey, DateTimeOffset CreatedAt);

/// <summary>Grants, in the server database. Read on every page, so a revocation takes effect on the next request.</summary>
public sealed class FeedGrants(ServerDb db, AuditLog audit)
{
    public async Task<FeedGrant> GrantAsync(string keyName, string bank, FeedFields fields, string? feedbackKey, string actor)
    {
        if (string.IsNullOrWhiteSpace(keyName) || keyName.Length > 100) throw new ArgumentException("the key name must be 1..100 characters");
        if (string.IsNullOrWhiteSpace(bank) || bank.Length > 200) throw new ArgumentException("the bank name must be 1..200 characters");
        string? normalizedFeedbackKey = null;
        if (!string.IsNullOrWhiteSpace(feedbackKey))
        {
            try { normalizedFeedbackKey = Convert.ToBase64String(FeedProtocol.ParsePublicKey(feedbackKey, "--feedback-key").Export(NSec.Cryptography.KeyBlobFormat.RawPublicKey)); }
            catch (Safeguard.Exchanges.ExchangeException ex) { throw new ArgumentException(ex.Message); }
        }
        long now = Db.NowMillis();
        // One grant per (key name, bank): granting again replaces the fields and the feedback key.
        await db.ExecAsync("DELETE FROM feed_grants WHERE key_name = @k AND bank = @b", ("@k", keyName), ("@b", bank));
        var id = await db.ScalarAsync("INSERT INTO feed_grants (key_name, bank, fields, feedback_key, created_at) VALUES (@k, @b, @f, @fk, @t) RETURNING id",
            ("@k", keyName), ("@b", bank), ("@f", FeedFieldNames.Format(fields)), ("@fk", normalizedFeedbackKey), ("@t", now));
        await audit.AppendAsync(actor, "feed.grant", $"bank:{bank}", $"key={keyName}; fields={FeedFieldNames.Format(fields)}; feedback_key={(normalizedFeedbackKey is null ? "none" : "set")}");
        return new FeedGrant(id!.Value, keyName, bank, fields, normalizedFeedbackKey, DateTimeOffset.FromUnixTimeMilliseconds(now));
    }

    public async Task<bool> RevokeAsync(string keyName, string bank, string actor)
    {
        int n = await db.ExecAsync("DELETE FROM feed_grants WHERE key_name = @k AND bank = @b", ("@k", keyName), ("@b", bank));
        if (n > 0) await audit.AppendAsync(actor, "feed.revoke", $"bank:{bank}", $"key={keyName}");
        return n > 0;
    }

    public Task<List<FeedGrant>> ListAsync() =>
        db.QueryAsync("SELECT id, key_name, bank, fields, feedback_key, created_at FROM feed_grants ORDER BY bank, key_name", Read);

    public async Task<FeedGrant?> FindAsync(string keyName, string bank) =>
        (await db.QueryAsync("SELECT id, key_name, bank, fields, feedback_key, created_at FROM feed_grants WHERE key_name = @k AND bank = @b", Read,
            ("@k", keyName), ("@b", bank))).FirstOrDefault();

    private static FeedGrant Read(System.Data.Common.DbDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), FeedFieldNames.Parse(r.GetString(3)), r.IsDBNull(4) ? null : r.GetString(4),
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)));
}

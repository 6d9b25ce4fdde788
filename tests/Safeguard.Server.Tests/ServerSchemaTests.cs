using Safeguard.Server.Audit;
using Safeguard.Server.Auth;
using Safeguard.Server.Data;

namespace Safeguard.Server.Tests;

/// <summary>A database made by an older version is migrated in place, and its keys keep working.</summary>
public sealed class ServerSchemaTests
{
    [Fact]
    public async Task Keys_of_a_database_from_before_per_key_caps_keep_working_and_gain_the_column()
    {
        var path = TestDb.Sqlite();
        string secret;
        await using (var db = await ServerDb.OpenAsync(path))
        {
            // Turn the fresh database back into a version-5 one: no max_concurrent column yet.
            await db.ExecAsync("ALTER TABLE api_keys DROP COLUMN max_concurrent");
            await db.ExecAsync("ALTER TABLE review_items DROP COLUMN payments_subject"); // added by version 7
            await db.ExecAsync("ALTER TABLE review_items DROP COLUMN sightings"); // added by version 10
            await db.ExecAsync("ALTER TABLE review_media DROP COLUMN keyframes"); // added by version 11
            await db.ExecAsync("DROP TABLE entry_hits"); // version 12: flood control
            await db.ExecAsync("DROP TABLE admin_alerts");
            await db.ExecAsync("DROP TABLE feed_feedback"); // version 13: federation grants and feedback
            await db.ExecAsync("DROP TABLE feed_grants");
            await db.ExecAsync("DROP TABLE crawl_requests"); // version 14: the service's crawl requests
            await db.ExecAsync("DROP INDEX review_items_group"); // version 8: claims, duplicate groups, severity
            foreach (var column in (string[])["claimed_by", "claimed_until", "group_key", "severity"])
                await db.ExecAsync($"ALTER TABLE review_items DROP COLUMN {column}");
            await db.ExecAsync("DELETE FROM server_schema_version WHERE version >= 6");
            secret = "sg_" + new string('k', 43);
            await db.ExecAsync("INSERT INTO api_keys (name, prefix, secret_hash, roles, created_at) VALUES ('old', @p, @h, 'matcher', 1)",
                ("@p", secret[..11]), ("@h", ApiKeyStore.HashSecret(secret)));
        }
        await using (var db = await ServerDb.OpenAsync(path))
        {
            Assert.Equal(14, await db.ScalarAsync("SELECT MAX(version) FROM server_schema_version"));
            var keys = new ApiKeyStore(db, new AuditLog(db));
            var old = await keys.AuthenticateAsync(secret);
            Assert.NotNull(old);
            Assert.Null(old.MaxConcurrent);
            var (info, fresh) = await keys.CreateAsync("new", ["hasher"], null, "test", maxConcurrent: 5);
            Assert.Equal(5, (await keys.AuthenticateAsync(fresh))!.MaxConcurrent);
            Assert.Equal(5, (await keys.ListAsync()).Single(k => k.Id == info.Id).MaxConcurrent);
            await Assert.ThrowsAsync<ArgumentException>(() => keys.CreateAsync("zero", ["hasher"], null, "test", maxConcurrent: 0));
        }
    }
}

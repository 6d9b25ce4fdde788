using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Safeguard.Server.Audit;
using Safeguard.Server.Data;
using Safeguard.Storage;

namespace Safeguard.Server.Auth;

public sealed record ApiKeyInfo(long Id, string Name, string Prefix, string[] Roles, int? RatePerSecond, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    /// <summary>Requests the key may have in progress; null: the server's default.</summary>
    public int? MaxConcurrent { get; init; }
}

/// <summary>
/// API keys: "sg_" + 43 random base64url characters, shown once. Only the SHA-256 of the key is
/// stored (a 256-bit random secret needs no salt or stretching). Lookups are cached for a few
/// seconds, so a revocation reaches other nodes within <see cref="CacheLifetime"/>.
/// </summary>
public sealed class ApiKeyStore(ServerDb db, AuditLog audit)
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(3);
    /// <summary>Largest per-key concurrency cap that may be stored.</summary>
    public const int MaxConcurrentLimit = 100_000;
    private readonly ConcurrentDictionary<string, (Caller? Caller, long ExpiresTicks)> _cache = new(StringComparer.Ordinal);

    public static string HashSecret(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public async Task<(ApiKeyInfo Info, string Secret)> CreateAsync(string name, string[] roles, int? ratePerSecond, string actor, int? maxConcurrent = null)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100) throw new ArgumentException("key name must be 1..100 characters");
        if (maxConcurrent is <= 0 or > MaxConcurrentLimit) throw new ArgumentException($"a key's concurrency cap must be 1..{MaxConcurrentLimit}");
        var secret = "sg_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        var prefix = secret[..11];
        long now = Db.NowMillis();
        var id = await db.ScalarAsync(
            "INSERT INTO api_keys (name, prefix, secret_hash, roles, rate_per_second, max_concurrent, created_at) VALUES (@n, @p, @h, @r, @rate, @mc, @t) RETURNING id",
            ("@n", name), ("@p", prefix), ("@h", HashSecret(secret)), ("@r", string.Join(',', roles)), ("@rate", ratePerSecond), ("@mc", maxConcurrent), ("@t", now));
        await audit.AppendAsync(actor, "key.create", $"key:{id}", $"name={name}; roles={string.Join(',', roles)}" + (maxConcurrent is { } mc ? $"; max_concurrent={mc}" : ""));
        return (new ApiKeyInfo(id!.Value, name, prefix, roles, ratePerSecond, DateTimeOffset.FromUnixTimeMilliseconds(now), null) { MaxConcurrent = maxConcurrent }, secret);
    }

    public Task<List<ApiKeyInfo>> ListAsync() => db.QueryAsync(
        "SELECT id, name, prefix, roles, rate_per_second, created_at, revoked_at, max_concurrent FROM api_keys ORDER BY id",
        r => new ApiKeyInfo(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3).Split(','), (int?)r.GetLongOrNull(4),
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)), r.GetLongOrNull(6) is { } rv ? DateTimeOffset.FromUnixTimeMilliseconds(rv) : null)
        { MaxConcurrent = (int?)r.GetLongOrNull(7) });

    /// <summary>Revokes by id or by prefix; returns false when no active key matched.</summary>
    public async Task<bool> RevokeAsync(string idOrPrefix, string actor)
    {
        // Not a number: only the prefix can match (id 0 is never issued).
        if (!long.TryParse(idOrPrefix, out var id)) id = 0;
        int n = await db.ExecAsync("UPDATE api_keys SET revoked_at = @t WHERE revoked_at IS NULL AND (id = @id OR prefix = @p)",
            ("@t", Db.NowMillis()), ("@id", id), ("@p", idOrPrefix));
        _cache.Clear();
        if (n > 0) await audit.AppendAsync(actor, "key.revoke", $"key:{idOrPrefix}", null);
        return n > 0;
    }

    public async Task SetBlurAsync(long keyId, int strength, string actor)
    {
        await db.ExecAsync("UPDATE api_keys SET blur_strength = @b WHERE id = @id", ("@b", strength), ("@id", keyId));
        _cache.Clear();
        await audit.AppendAsync(actor, "reviewer.blur", $"key:{keyId}", $"strength={strength}");
    }

    /// <summary>The active key with this secret, or null.</summary>
    public async ValueTask<Caller?> AuthenticateAsync(string secret)
    {
        if (secret.Length is < 10 or > 200) return null;
        var hash = HashSecret(secret);
        return await ByHashAsync("secret_hash", hash, hash, viaSession: false);
    }

    private async ValueTask<Caller?> ByHashAsync(string column, string value, string cacheKey, bool viaSession)
    {
        long now = Environment.TickCount64;
        if (_cache.TryGetValue(cacheKey, out var hit) && hit.ExpiresTicks > now) return hit.Caller;
        var sql = column == "secret_hash"
            ? "SELECT id, name, prefix, roles, rate_per_second, blur_strength, max_concurrent FROM api_keys WHERE secret_hash = @v AND revoked_at IS NULL"
            : "SELECT k.id, k.name, k.prefix, k.roles, k.rate_per_second, k.blur_strength, k.max_concurrent FROM sessions s JOIN api_keys k ON k.id = s.key_id " +
              "WHERE s.token_hash = @v AND s.expires_at > @now AND k.revoked_at IS NULL";
        var rows = await db.QueryAsync(sql,
            r => new Caller(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3).Split(','), (int?)r.GetLongOrNull(4), (int?)r.GetLongOrNull(5), viaSession)
            { MaxConcurrent = (int?)r.GetLongOrNull(6) },
            ("@v", value), ("@now", Db.NowMillis()));
        var caller = rows.Count == 1 ? rows[0] : null;
        if (_cache.Count > 100_000) _cache.Clear(); // unknown keys must not grow the cache without bound
        _cache[cacheKey] = (caller, now + (long)CacheLifetime.TotalMilliseconds);
        return caller;
    }

    /// <summary>Starts a UI session for a reviewer's key; returns the cookie value.</summary>
    public async Task<string> CreateSessionAsync(Caller caller, TimeSpan lifetime)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        await db.ExecAsync("INSERT INTO sessions (token_hash, key_id, expires_at) VALUES (@h, @k, @e)",
            ("@h", HashSecret(token)), ("@k", caller.KeyId), ("@e", Db.NowMillis() + (long)lifetime.TotalMilliseconds));
        await audit.AppendAsync(caller.Actor, "session.signin", $"key:{caller.KeyId}", null);
        return token;
    }

    public ValueTask<Caller?> SessionAsync(string token) =>
        token.Length is < 10 or > 100 ? ValueTask.FromResult<Caller?>(null) : ByHashAsync("session", HashSecret(token), "s:" + HashSecret(token), viaSession: true);

    public async Task EndSessionAsync(string token)
    {
        await db.ExecAsync("DELETE FROM sessions WHERE token_hash = @h", ("@h", HashSecret(token)));
        _cache.TryRemove("s:" + HashSecret(token), out _);
    }

    private static string Base64Url(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Safeguard.Server.Audit;
using static Safeguard.Server.Tests.ServerHarness;
using File = System.IO.File;

namespace Safeguard.Server.Tests;

/// <summary>Signed audit checkpoints: tail truncation, tampered checkpoints, reports, the schedule; SQLite and PostgreSQL.</summary>
public abstract class AuditCheckpointContract
{
    protected abstract Task<string> DbAsync();

    private static (int Code, string Out, string Err) Cli(params string[] args) => CliCommandTests.Run(args);

    private static async Task AddEntriesAsync(ServerHarness h, int n)
    {
        var curator = await h.ClientAsync("curator");
        for (int i = 0; i < n; i++)
            Assert.Equal(HttpStatusCode.Created, (await curator.PostAsJsonAsync("/v1/banks", new { name = $"b{Guid.NewGuid():N}"[..12] })).StatusCode);
    }

    private static async Task<string> CheckpointAsync(ServerHarness h)
    {
        var r = await h.Admin.PostAsync("/v1/audit/checkpoint", null);
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        return (await Json(r)).GetProperty("checkpoint").GetString()!;
    }

    private static string KeyPath(ServerHarness h) => h.State.Options.ResolveAuditKey();

    /// <summary>What an attacker with write access to the database does: drop the newest entries and point the head at the new last one.</summary>
    private static async Task TruncateAsync(ServerHarness h, long keep)
    {
        var hash = (await h.State.Db.QueryAsync("SELECT hash FROM audit_log WHERE seq = @s", r => r.GetString(0), ("@s", keep)))[0];
        await h.State.Db.ExecAsync("DELETE FROM audit_log WHERE seq > @s", ("@s", keep));
        await h.State.Db.ExecAsync("UPDATE audit_head SET seq = @s, hash = @h WHERE id = 1", ("@s", keep), ("@h", hash));
    }

    [SkippableFact]
    public async Task Deleting_the_newest_entries_and_rewriting_the_head_is_reported_against_a_checkpoint()
    {
        var db = await DbAsync();
        await using var h = await ServerHarness.StartAsync(db, o => o with { Demo = false });
        await AddEntriesAsync(h, 6);
        var line = await CheckpointAsync(h);
        long signedSeq = long.Parse(line.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
        var file = h.State.Checkpoints.FilePath;
        Assert.Equal(line, File.ReadAllLines(file)[^1]);
        var key = KeyPath(h);
        Assert.Equal(0, Cli("audit", "verify", "--db", db, "--audit-checkpoints", file, "--audit-key", key).Code);

        await TruncateAsync(h, signedSeq - 3);
        // The chain alone still looks whole: this is the gap the checkpoint closes.
        Assert.True((await h.State.Audit.VerifyAsync()).Ok);
        foreach (var anchor in new[] { file, line })
        {
            var v = Cli("audit", "verify", "--db", db, "--checkpoint", anchor, "--audit-key", key);
            Assert.Equal(1, v.Code);
            Assert.Contains("truncated below a signed checkpoint", v.Err);
            Assert.Contains($"entries {signedSeq - 2}..{signedSeq} were deleted", v.Err);
        }
        // Without --checkpoint, the checkpoint file is used; a bare head hash noted down works as well.
        var implicitFile = Cli("audit", "verify", "--db", db, "--audit-checkpoints", file, "--audit-key", key);
        Assert.Equal(1, implicitFile.Code);
        Assert.Contains("truncated", implicitFile.Err);
        var bare = Cli("audit", "verify", "--db", db, "--checkpoint", line.Split(' ')[3]);
        Assert.Equal(1, bare.Code);
        Assert.Contains("no entry of the log ends in hash", bare.Err);
        // The server refuses to sign the cut log, and its own verify route sees the truncation.
        Assert.Equal(HttpStatusCode.Conflict, (await h.Admin.PostAsync("/v1/audit/checkpoint", null)).StatusCode);
        var route = await h.Admin.GetAsync("/v1/audit/verify");
        Assert.Equal(HttpStatusCode.Conflict, route.StatusCode);
        Assert.Contains("truncated", (await Json(route)).GetProperty("message").GetString());
    }

    [SkippableFact]
    public async Task A_rewritten_chain_and_a_checkpoint_of_another_log_are_told_apart()
    {
        var db = await DbAsync();
        await using var h = await ServerHarness.StartAsync(db, o => o with { Demo = false });
        await AddEntriesAsync(h, 4);
        var line = await CheckpointAsync(h);
        var key = KeyPath(h);
        var file = h.State.Checkpoints.FilePath;

        // A checkpoint of another log, signed by the right key, proves nothing about this one.
        var otherFile = Path.Combine(Path.GetDirectoryName(file)!, "other-log.checkpoints");
        using (var signer = AuditSigningKey.Open(key, create: false))
            CheckpointFile.Append(otherFile, signer.Sign(new string('a', 32), 3, new string('b', 64), DateTimeOffset.UtcNow));
        var other = Cli("audit", "verify", "--db", db, "--checkpoint", otherFile, "--audit-key", key);
        Assert.Equal(1, other.Code);
        Assert.Contains("checkpoint from another log", other.Err);

        // Entry 2 edited and every later hash recomputed: the chain is consistent again, the checkpoint is not.
        var rows = await h.State.Db.QueryAsync("SELECT seq, at, actor, action, target, detail FROM audit_log WHERE seq >= 1 ORDER BY seq",
            r => (Seq: r.GetInt64(0), At: r.GetInt64(1), Actor: r.GetString(2), Action: r.GetString(3), Target: r.IsDBNull(4) ? null : r.GetString(4), Detail: r.IsDBNull(5) ? null : r.GetString(5)));
        string prev = "";
        foreach (var e in rows)
        {
            var detail = e.Seq == 2 ? "rewritten" : e.Detail;
            var hash = Sha256Chain(e.Seq, e.At, e.Actor, e.Action, e.Target, detail, prev);
            await h.State.Db.ExecAsync("UPDATE audit_log SET detail = @d, prev_hash = @p, hash = @h WHERE seq = @s", ("@d", detail), ("@p", prev), ("@h", hash), ("@s", e.Seq));
            prev = hash;
        }
        await h.State.Db.ExecAsync("UPDATE audit_head SET hash = @h WHERE id = 1", ("@h", prev));
        Assert.True((await h.State.Audit.VerifyAsync()).Ok);
        var v = Cli("audit", "verify", "--db", db, "--checkpoint", line, "--audit-key", key);
        Assert.Equal(1, v.Code);
        Assert.Contains("chain edited below a signed checkpoint", v.Err);
    }

    /// <summary>The entry hash as docs/service.md defines it, written out here rather than taken from AuditLog.</summary>
    private static string Sha256Chain(long seq, long at, string actor, string action, string? target, string? detail, string prev) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new object?[] { seq, at, actor, action, target, detail, prev }))));

    [SkippableFact]
    public async Task A_tampered_or_foreign_checkpoint_line_is_rejected()
    {
        var db = await DbAsync();
        await using var h = await ServerHarness.StartAsync(db, o => o with { Demo = false });
        await AddEntriesAsync(h, 2);
        var line = await CheckpointAsync(h);
        var key = KeyPath(h);
        Assert.Equal(0, Cli("audit", "verify", "--db", db, "--checkpoint", line, "--audit-key", key).Code);
        var f = line.Split(' ');
        string With(int field, string value) { var g = (string[])f.Clone(); g[field] = value; return string.Join(' ', g); }
        static string Flip(string s, int i) => s[..i] + (s[i] == '0' ? '1' : '0') + s[(i + 1)..];
        var sig = Convert.FromBase64String(f[6]);
        sig[10] ^= 1;
        foreach (var (bad, expect) in new[]
        {
            (With(3, Flip(f[3], 5)), "signature invalid"),                   // head hash changed
            (With(2, (long.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)), "signature invalid"),
            (With(6, Convert.ToBase64String(sig)), "signature invalid"),     // signature changed
            (With(5, Flip(f[5], 0)), "unknown key"),                         // another key id
            (line[..^10], "malformed checkpoint"),
        })
        {
            var file = Path.Combine(Path.GetTempPath(), $"sg-cp-{Guid.NewGuid():N}.log");
            File.WriteAllLines(file, [line, bad]);
            var v = Cli("audit", "verify", "--db", db, "--checkpoint", file, "--audit-key", key);
            Assert.Equal(1, v.Code);
            Assert.Contains("CHECKPOINT REJECTED", v.Err);
            Assert.Contains(expect, v.Err);
            Assert.Contains($"{file}:2", v.Err); // names the line
            File.Delete(file);
        }
        // Signed by a key that is not the trusted one (a valid signature of another key).
        var otherKey = Path.Combine(TestTemp.Directory("sg-key"), "k.pem");
        string forged;
        using (var other = AuditSigningKey.Open(otherKey, create: true))
            forged = other.Sign(f[1], long.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture), f[3], DateTimeOffset.UtcNow).ToString();
        var foreign = Cli("audit", "verify", "--db", db, "--checkpoint", forged, "--audit-key", key);
        Assert.Equal(1, foreign.Code);
        Assert.Contains("unknown key", foreign.Err);
        // The trusted key given as the public key alone (what an auditor holds) accepts the genuine line.
        var pub = Cli("audit", "public-key", "--audit-key", key);
        Assert.Equal(0, pub.Code);
        var pubFile = Path.Combine(Path.GetTempPath(), $"sg-pub-{Guid.NewGuid():N}.pem");
        File.WriteAllText(pubFile, pub.Out);
        Assert.Equal(0, Cli("audit", "verify", "--db", db, "--checkpoint", line, "--public-key", pubFile).Code);
        Assert.Equal(1, Cli("audit", "verify", "--db", db, "--checkpoint", forged, "--public-key", pubFile).Code);
        File.Delete(pubFile);
    }

    [SkippableFact]
    public async Task Reports_carry_a_fresh_checkpoint_that_an_independent_ed25519_implementation_accepts()
    {
        var db = await DbAsync();
        await using var h = await ServerHarness.StartAsync(db);
        var matcher = await h.ClientAsync("matcher");
        var reviewer = await h.ClientAsync("reviewer");
        var image = Directory.GetFiles(TestImages.Demo, "*.jpg").Order().First();
        var md5 = Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(image)));
        var item = (await Json(await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "md5", value = md5 }))).GetProperty("review_item_id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsJsonAsync($"/v1/review/items/{item}/decision", new { decision = "confirmed", category = "UK-C" })).StatusCode);
        var pem = (await Json(await reviewer.GetAsync("/v1/audit/public-key"))).GetProperty("public_key_pem").GetString()!;
        var publicKey = BouncyCastleKey(pem);

        var ncmec = await reviewer.GetAsync($"/v1/reports/ncmec?items={item}");
        Assert.Equal(HttpStatusCode.OK, ncmec.StatusCode);
        var xml = await ncmec.Content.ReadAsStringAsync();
        CyberTiplineSchema.AssertValid(xml);
        var header = ncmec.Headers.GetValues("Safeguard-Audit-Checkpoint").Single();
        var info = XDocument.Parse(xml).Root!.Element("additionalInfo")!.Value;
        Assert.EndsWith("Safeguard audit checkpoint: " + header, info);
        await AssertCoversAsync(h, header, publicKey, "report.ncmec");

        var vics = await reviewer.GetAsync($"/v1/reports/vics?items={item}");
        var vicsHeader = vics.Headers.GetValues("Safeguard-Audit-Checkpoint").Single();
        using var doc = JsonDocument.Parse(await vics.Content.ReadAsByteArrayAsync());
        Assert.Equal(vicsHeader, doc.RootElement.GetProperty("@safeguard.auditCheckpoint").GetString());
        await AssertCoversAsync(h, vicsHeader, publicKey, "report.vics");
        Assert.Contains(vicsHeader, File.ReadAllLines(h.State.Checkpoints.FilePath)); // also in the append-only file
        if (File.Exists("/usr/bin/openssl")) AssertOpensslVerifies(pem, vicsHeader);
    }

    /// <summary>Checks a checkpoint line by the documented format with BouncyCastle (not NSec, which signs), and that it covers the report's audit entry.</summary>
    private static async Task AssertCoversAsync(ServerHarness h, string line, Ed25519PublicKeyParameters key, string action)
    {
        var f = line.Split(' ');
        Assert.Equal(7, f.Length);
        Assert.Equal("safeguard-audit-checkpoint/v1", f[0]);
        var body = Encoding.UTF8.GetBytes(line[..line.LastIndexOf(' ')]);
        var verifier = new Ed25519Signer();
        verifier.Init(false, key);
        verifier.BlockUpdate(body, 0, body.Length);
        Assert.True(verifier.VerifySignature(Convert.FromBase64String(f[6])));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(key.GetEncoded()))[..16], f[5]);
        long seq = long.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture);
        var reportSeq = (await h.State.Db.QueryAsync("SELECT MAX(seq) FROM audit_log WHERE action = @a", r => r.GetInt64(0), ("@a", action)))[0];
        Assert.True(seq >= reportSeq, $"checkpoint {seq} does not cover the {action} entry {reportSeq}");
        Assert.Equal(f[3], (await h.State.Db.QueryAsync("SELECT hash FROM audit_log WHERE seq = @s", r => r.GetString(0), ("@s", seq)))[0]);
        Assert.Equal(f[1], (await h.State.Db.QueryAsync("SELECT log_id FROM audit_head WHERE id = 1", r => r.GetString(0)))[0]);
    }

    private static Ed25519PublicKeyParameters BouncyCastleKey(string pem)
    {
        var b64 = string.Concat(pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Select(l => l.Trim()));
        return (Ed25519PublicKeyParameters)Org.BouncyCastle.Security.PublicKeyFactory.CreateKey(Convert.FromBase64String(b64));
    }

    /// <summary>The recipe docs/service.md gives auditors.</summary>
    private static void AssertOpensslVerifies(string pem, string line)
    {
        var dir = Directory.CreateTempSubdirectory("sg-openssl-").FullName;
        File.WriteAllText(Path.Combine(dir, "pub.pem"), pem);
        File.WriteAllText(Path.Combine(dir, "body"), line[..line.LastIndexOf(' ')]);
        File.WriteAllBytes(Path.Combine(dir, "sig"), Convert.FromBase64String(line[(line.LastIndexOf(' ') + 1)..]));
        var psi = new ProcessStartInfo("openssl", "pkeyutl -verify -pubin -inkey pub.pem -rawin -in body -sigfile sig")
        { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(30_000));
        Assert.Equal(0, p.ExitCode);
        Assert.Contains("Signature Verified Successfully", output);
        Directory.Delete(dir, true);
    }

    [SkippableFact]
    public async Task A_running_server_writes_a_checkpoint_after_the_interval_only_when_the_log_grew()
    {
        var db = await DbAsync();
        await using var h = await ServerHarness.StartAsync(db, o => o with { Demo = false, AuditCheckpointInterval = TimeSpan.FromSeconds(1) });
        var file = h.State.Checkpoints.FilePath;
        await AddEntriesAsync(h, 3);
        var head = (await h.State.Db.QueryAsync("SELECT seq, hash FROM audit_head WHERE id = 1", r => (r.GetInt64(0), r.GetString(1))))[0];
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string[] lines = [];
        while (DateTime.UtcNow < deadline)
        {
            lines = File.Exists(file) ? File.ReadAllLines(file) : [];
            if (lines.Any(l => l.Split(' ') is var f && f.Length == 7 && f[2] == head.Item1.ToString(System.Globalization.CultureInfo.InvariantCulture) && f[3] == head.Item2)) break;
            await Task.Delay(200);
        }
        Assert.Contains(lines, l => l.Split(' ')[2] == head.Item1.ToString(System.Globalization.CultureInfo.InvariantCulture) && l.Split(' ')[3] == head.Item2);
        // Nothing new in the log: no new checkpoint over several intervals.
        await Task.Delay(3500);
        Assert.Equal(lines.Length, File.ReadAllLines(file).Length);
        Assert.Equal(0, Cli("audit", "verify", "--db", db, "--audit-checkpoints", file, "--audit-key", KeyPath(h)).Code);
    }
}

public sealed class SqliteAuditCheckpointTests : AuditCheckpointContract
{
    protected override Task<string> DbAsync() => Task.FromResult(TestDb.Sqlite());
}

public sealed class PostgresAuditCheckpointTests : AuditCheckpointContract
{
    protected override Task<string> DbAsync() => TestDb.PostgresAsync();
}

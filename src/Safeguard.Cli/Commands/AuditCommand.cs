using System.CommandLine;
using System.Globalization;
using Safeguard.Server;
using Safeguard.Server.Audit;
using Safeguard.Server.Data;

namespace Safeguard.Cli.Commands;

/// <summary>`safeguard audit verify|list|checkpoint|public-key`: the service's hash-chained audit log and its signed checkpoints.</summary>
public static class AuditCommand
{
    public static Option<string?> CheckpointsOption() => new("--audit-checkpoints")
    {
        Description = "Append-only file of signed audit checkpoints (default: DB.audit-checkpoints.log beside a SQLite database; for PostgreSQL, audit-checkpoints.log in the per-user data directory)",
    };

    public static Option<string?> KeyOption() => new("--audit-key")
    {
        Description = $"Ed25519 key that signs audit checkpoints, created 0600 on first use (default: {AuditSigningKey.DefaultPath()})",
    };

    public static Command Create()
    {
        var audit = new Command("audit", "Check and read the service's append-only, hash-chained audit log and its signed checkpoints.");
        audit.Subcommands.Add(Verify());
        audit.Subcommands.Add(List());
        audit.Subcommands.Add(Checkpoint());
        audit.Subcommands.Add(PublicKey());
        return audit;
    }

    private static Command Verify()
    {
        var checkpoint = new Option<string?>("--checkpoint")
        {
            Description = "Check against this: a checkpoint file, one checkpoint line, or a 64-hex-digit head hash (default: the checkpoint file, when it exists)",
        };
        var publicKey = new Option<string?>("--public-key")
        {
            Description = "The trusted public key (PEM file or text, or base64 of 32 bytes; default: the one of --audit-key)",
        };
        var checkpoints = CheckpointsOption();
        var key = KeyOption();
        var verify = new Command("verify", "Recompute the hash chain (read-only) and check it against signed checkpoints; exit 1 when any entry was edited, inserted or deleted.")
        {
            checkpoint, publicKey, checkpoints, key,
        };
        verify.SetAction(parse => RunReadOnly(parse, async (dbName, log) =>
        {
            var trusted = new Lazy<AuditPublicKey>(() => TrustedKey(parse.GetValue(publicKey), parse.GetValue(key)));
            AuditAnchors? anchors = null;
            if (parse.GetValue(checkpoint) is { } given) anchors = AuditAnchors.Parse(given, () => trusted.Value);
            else
            {
                var file = parse.GetValue(checkpoints);
                if (file is not null && !File.Exists(file)) throw new FileNotFoundException($"--audit-checkpoints {file}: no such file", file);
                file ??= CheckpointFile.DefaultPath(dbName);
                if (File.Exists(file)) anchors = AuditAnchors.FromFile(file, trusted.Value);
            }
            var v = await log.VerifyAsync(anchors);
            (v.Ok ? Console.Out : Console.Error).WriteLine(v.Ok ? v.Message : $"safeguard: AUDIT LOG TAMPERED: {v.Message}");
            return v.Ok ? ExitCodes.Ok : ExitCodes.SomeFailed;
        }));
        return verify;
    }

    private static Command List()
    {
        var after = new Option<long?>("--after") { Description = "Page forward instead: the entries after this sequence number, oldest first." };
        var limit = new Option<int>("--limit") { Description = "How many entries (1..1000): the newest ones, printed oldest to newest.", DefaultValueFactory = _ => 100 };
        var list = new Command("list", "Print the newest audit entries, oldest to newest (tab-separated: seq, time, actor, action, target, detail).") { after, limit };
        list.SetAction(parse => KeysCommand.Run(parse, async (db, log, _) =>
        {
            int count = parse.GetValue(limit);
            if (count is < 1 or > 1000) throw new UsageException("--limit must be 1..1000");
            // Sequence numbers run 1, 2, 3... without gaps (the hash chain), so the newest N follow head - N.
            long from = parse.GetValue(after) ?? Math.Max(0, (await log.HeadAsync()).Seq - count);
            foreach (var e in await log.ListAsync(from, count))
                Console.WriteLine(string.Join('\t', e.Seq.ToString(CultureInfo.InvariantCulture), e.At.ToString("O", CultureInfo.InvariantCulture), e.Actor, e.Action, e.Target ?? "", e.Detail ?? ""));
            return ExitCodes.Ok;
        }));
        return list;
    }

    private static Command Checkpoint()
    {
        var checkpoints = CheckpointsOption();
        var key = KeyOption();
        var cmd = new Command("checkpoint", "Sign the audit log's current head, append the checkpoint to the checkpoint file and print it (store a copy elsewhere).")
        {
            checkpoints, key,
        };
        cmd.SetAction(parse => RunReadOnly(parse, async (dbName, log) =>
        {
            var options = new ServerOptions { Db = dbName, AuditCheckpoints = parse.GetValue(checkpoints), AuditKey = parse.GetValue(key) };
            using var signer = new AuditCheckpointer(log, AuditSigningKey.Open(options.ResolveAuditKey(), create: true), options.ResolveAuditCheckpoints());
            var c = await signer.CreateAsync();
            Console.Error.WriteLine($"checkpoint of entry {c.Seq} appended to {signer.FilePath}");
            Console.WriteLine(c);
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static Command PublicKey()
    {
        var key = KeyOption();
        var cmd = new Command("public-key", "Print the public key (PEM) that checks audit checkpoints; its key id goes to stderr. Creates the key pair on first use.") { key };
        cmd.SetAction(parse => Guarded(() =>
        {
            var path = new ServerOptions { AuditKey = parse.GetValue(key) }.ResolveAuditKey();
            bool existed = File.Exists(path);
            using var k = AuditSigningKey.Open(path, create: true);
            Console.Error.WriteLine($"{(existed ? "" : "created ")}audit signing key {path}, key id {k.Public.Id}");
            Console.Write(k.Public.Pem);
            return Task.FromResult(ExitCodes.Ok);
        }));
        return cmd;
    }

    private static AuditPublicKey TrustedKey(string? publicKey, string? keyFile)
    {
        if (publicKey is not null)
            return AuditPublicKey.Parse(File.Exists(publicKey) ? File.ReadAllText(publicKey) : publicKey, $"--public-key {publicKey}");
        var path = new ServerOptions { AuditKey = keyFile }.ResolveAuditKey();
        if (!File.Exists(path))
            throw new CheckpointRejectedException($"cannot check checkpoints: no audit key at {path}; pass --public-key (from `safeguard audit public-key`) or --audit-key");
        using var k = AuditSigningKey.Open(path, create: false);
        return k.Public;
    }

    /// <summary>Runs against the database opened read-only: no migration, nothing created or written.</summary>
    private static int RunReadOnly(ParseResult parse, Func<string, AuditLog, Task<int>> action) => Guarded(async () =>
    {
        var dbName = new ServerOptions { Db = parse.GetValue(GlobalOptions.Db) }.ResolveDb();
        await using var db = await ServerDb.OpenReadOnlyAsync(dbName);
        return await action(dbName, new AuditLog(db));
    });

    private static int Guarded(Func<Task<int>> action)
    {
        try
        {
            return action().GetAwaiter().GetResult();
        }
        catch (CheckpointRejectedException ex)
        {
            Console.Error.WriteLine($"safeguard: CHECKPOINT REJECTED: {ex.Message}");
            return ExitCodes.SomeFailed;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or InvalidOperationException or ArgumentException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"safeguard: {ex.Message}");
            return ExitCodes.SomeFailed;
        }
    }
}

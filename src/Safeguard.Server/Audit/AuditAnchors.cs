using System.Text.RegularExpressions;

namespace Safeguard.Server.Audit;

/// <summary>A checkpoint that cannot be trusted: malformed, signed by an unknown key, or with a bad signature.</summary>
public sealed class CheckpointRejectedException(string message) : Exception(message);

/// <summary>
/// What a verification checks the chain against: signed checkpoints (each signature already checked
/// with the trusted public key) and head hashes an auditor noted down.
/// </summary>
public sealed partial class AuditAnchors
{
    public static readonly AuditAnchors None = new("nothing", [], new HashSet<string>());

    private AuditAnchors(string source, IReadOnlyList<AuditCheckpoint> checkpoints, IReadOnlySet<string> hashes)
    {
        Source = source;
        Checkpoints = checkpoints;
        Hashes = hashes;
    }

    public string Source { get; }
    public IReadOnlyList<AuditCheckpoint> Checkpoints { get; }
    public IReadOnlySet<string> Hashes { get; }

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex HeadHash();

    /// <summary>
    /// A --checkpoint value: a file of checkpoint lines, one checkpoint line, or a 64-hex-digit head hash.
    /// </summary>
    public static AuditAnchors Parse(string value, Func<AuditPublicKey> key)
    {
        var v = value.Trim();
        if (HeadHash().IsMatch(v)) return new AuditAnchors($"head hash {v.ToLowerInvariant()}", [], new HashSet<string> { v.ToLowerInvariant() });
        if (v.StartsWith(AuditCheckpoint.Prefix, StringComparison.Ordinal)) return FromLines("the given checkpoint", [(1, v)], key());
        if (Directory.Exists(value)) throw new CheckpointRejectedException($"{value} is a directory, not a checkpoint file");
        if (!File.Exists(value))
            throw new CheckpointRejectedException($"--checkpoint {value}: no such file, and not a checkpoint line or a 64-hex-digit head hash");
        return FromFile(value, key());
    }

    /// <summary>Every checkpoint in a checkpoint file; any bad line rejects the file.</summary>
    public static AuditAnchors FromFile(string path, AuditPublicKey key) => FromLines(path, CheckpointFile.ReadLines(path).ToList(), key);

    private static AuditAnchors FromLines(string source, List<(int Line, string Text)> lines, AuditPublicKey key)
    {
        var list = new List<AuditCheckpoint>();
        foreach (var (n, text) in lines)
        {
            string where = lines.Count == 1 && n == 1 && source.StartsWith("the ", StringComparison.Ordinal) ? source : $"{source}:{n}";
            if (!AuditCheckpoint.TryParse(text, out var c, out var error)) throw new CheckpointRejectedException($"{where}: {error}");
            if (c!.KeyId != key.Id)
                throw new CheckpointRejectedException($"{where}: signed by unknown key {c.KeyId}, not by the audit key {key.Id}");
            if (!key.Verifies(c))
                throw new CheckpointRejectedException($"{where}: checkpoint signature invalid (the line was altered after signing, or forged)");
            list.Add(c);
        }
        if (list.Count == 0) throw new CheckpointRejectedException($"{source}: holds no checkpoint");
        return new AuditAnchors(source, list, new HashSet<string>());
    }
}

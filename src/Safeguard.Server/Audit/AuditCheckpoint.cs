using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Safeguard.Server.Audit;

/// <summary>
/// A signed statement "log L had N entries ending in hash H at time T", kept outside the database so
/// that deleting entries at the end of the log and rewriting <c>audit_head</c> is still detected.
/// One line of text (docs/service.md, "Audit checkpoints"):
/// <code>safeguard-audit-checkpoint/v1 LOG SEQ HASH TIME KEYID SIGNATURE</code>
/// The Ed25519 signature (base64) covers the UTF-8 bytes of the line before its last space, so the
/// domain-separation prefix, log id, sequence, head hash, time and key id are all signed.
/// </summary>
public sealed partial record AuditCheckpoint(string LogId, long Seq, string Hash, DateTimeOffset Time, string KeyId, byte[] Signature)
{
    public const string Prefix = "safeguard-audit-checkpoint/v1";

    /// <summary>The exact text the signature covers.</summary>
    public string SignedText => SignedTextOf(LogId, Seq, Hash, Time, KeyId);

    public static string SignedTextOf(string logId, long seq, string hash, DateTimeOffset time, string keyId) =>
        string.Join(' ', Prefix, logId, seq.ToString(CultureInfo.InvariantCulture), hash,
            time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), keyId);

    public override string ToString() => SignedText + " " + Convert.ToBase64String(Signature);

    // Strict: one spelling per value, so the parsed fields are exactly what was signed.
    [GeneratedRegex(@"^safeguard-audit-checkpoint/v1 ([0-9a-f]{32}) ([1-9][0-9]{0,18}) ([0-9a-f]{64}) ([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z) ([0-9a-f]{16}) ([A-Za-z0-9+/]{86}==)$")]
    private static partial Regex LinePattern();

    /// <summary>Parses one checkpoint line; the error names what is wrong (the signature is not checked here).</summary>
    public static bool TryParse(string line, out AuditCheckpoint? checkpoint, out string error)
    {
        checkpoint = null;
        line = line.TrimEnd('\r', '\n');
        if (!line.StartsWith(Prefix + " ", StringComparison.Ordinal))
        {
            error = $"not a checkpoint (does not start with '{Prefix}')";
            return false;
        }
        var m = LinePattern().Match(line);
        if (!m.Success)
        {
            error = "malformed checkpoint: expected 'safeguard-audit-checkpoint/v1 LOG SEQ HASH TIME KEYID SIGNATURE'";
            return false;
        }
        if (!long.TryParse(m.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            || !DateTimeOffset.TryParseExact(m.Groups[4].Value, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            error = "malformed checkpoint: sequence or time out of range";
            return false;
        }
        checkpoint = new AuditCheckpoint(m.Groups[1].Value, seq, m.Groups[3].Value, time, m.Groups[5].Value, Convert.FromBase64String(m.Groups[6].Value));
        error = "";
        return true;
    }

    public byte[] SignedBytes() => Encoding.UTF8.GetBytes(SignedText);
}

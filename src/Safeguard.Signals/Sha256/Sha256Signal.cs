using Safeguard.Signals.Exact;

namespace Safeguard.Signals.Sha256;

/// <summary>SHA-256 of a file's bytes (64 hex digits, the same length as PDQ: bare values need the type named).</summary>
public sealed class Sha256Signal() : DigestSignal("sha256", DigestAlgorithm.Sha256, 32, "sha-256");

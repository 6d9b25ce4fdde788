using Safeguard.Signals.Exact;

namespace Safeguard.Signals.Sha1;

/// <summary>SHA-1 of a file's bytes (40 hex digits).</summary>
public sealed class Sha1Signal() : DigestSignal("sha1", DigestAlgorithm.Sha1, 20, "sha-1");

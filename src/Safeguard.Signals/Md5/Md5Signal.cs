using Safeguard.Signals.Exact;

namespace Safeguard.Signals.Md5;

/// <summary>MD5 of a file's bytes (32 hex digits).</summary>
public sealed class Md5Signal() : DigestSignal("md5", DigestAlgorithm.Md5, 16, "md-5");

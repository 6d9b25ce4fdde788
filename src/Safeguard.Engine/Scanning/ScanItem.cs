using Safeguard.Hashing.Files;

namespace Safeguard.Engine.Scanning;

/// <summary>
/// One thing to hash: a file on disk (<see cref="FilePath"/>), an archive member in memory
/// (<see cref="Data"/>, a pooled buffer the worker returns), or a result already computed.
/// </summary>
public sealed class ScanItem
{
    public required string Path { get; init; }
    public string? FilePath { get; init; }
    public byte[]? Data { get; init; }
    public int Length { get; init; }
    public FileHashResult? Done { get; init; }
    public bool IsArchive { get; init; }
    /// <summary>A problem found while walking (refused archive, encrypted member...).</summary>
    public string? Error { get; set; }
    /// <summary>A link recorded, not followed: "symlink" or (in a TAR) "hardlink"; <see cref="LinkTarget"/> is its target text.</summary>
    public string? LinkType { get; init; }
    public string? LinkTarget { get; init; }
    public string? LinkNote { get; init; }
    /// <summary>True for inputs named on the command line or found in their folders (not archive members).</summary>
    public bool TopLevel { get; init; }
}

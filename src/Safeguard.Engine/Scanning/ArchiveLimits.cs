namespace Safeguard.Engine.Scanning;

/// <summary>
/// What the scanner accepts from an archive before refusing it as hostile. Archives are never
/// extracted to disk: members are read into memory (or streamed through the hashes).
/// </summary>
public sealed record ArchiveLimits
{
    /// <summary>Archives inside archives: deeper ones are hashed but not opened.</summary>
    public int MaxDepth { get; init; } = 8;
    /// <summary>Entries in one archive (files, directories, links).</summary>
    public int MaxMembers { get; init; } = 100_000;
    /// <summary>Uncompressed size of one member.</summary>
    public long MaxMemberBytes { get; init; } = 4L << 30;
    /// <summary>Uncompressed bytes read from one top-level archive, nested archives included.</summary>
    public long MaxArchiveBytes { get; init; } = 16L << 30;
    /// <summary>Uncompressed/compressed ratio, checked once more than <see cref="RatioFloorBytes"/> came out.</summary>
    public double MaxRatio { get; init; } = 250;
    public long RatioFloorBytes { get; init; } = 16L << 20;
    /// <summary>Members up to this size are read into memory (PDQ, nested archives); larger ones get exact hashes only, streamed.</summary>
    public long InMemoryMemberBytes { get; init; } = 256L << 20;

    public static readonly ArchiveLimits Default = new();
}

/// <summary>An archive the scanner will not open further: the message says why.</summary>
public sealed class ArchiveRefusedException(string message) : Exception(message);

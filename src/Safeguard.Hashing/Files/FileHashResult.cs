using Safeguard.Hashing.Pdq;

namespace Safeguard.Hashing.Files;

/// <summary>What one file gave: its signals, or the reason it could not be hashed.</summary>
public sealed class FileHashResult
{
    public required string Path { get; init; }
    public long Size { get; set; }
    public PdqResult? Pdq { get; set; }
    /// <summary>Eight hashes in <see cref="Dihedral"/> order, when requested.</summary>
    public Hash256[]? DihedralHashes { get; set; }
    public byte[]? Md5 { get; set; }
    public byte[]? Sha1 { get; set; }
    public byte[]? Sha256 { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    /// <summary>A video (hashed by Safeguard.Video): <see cref="VideoFrames"/> instead of <see cref="Pdq"/>.</summary>
    public bool IsVideo { get; set; }
    /// <summary>The video's vPDQ: its sampled frames' hashes, a frame equal to the one before left out.</summary>
    public IReadOnlyList<VpdqFrame>? VideoFrames { get; set; }
    /// <summary>The video's TMK+PDQF, when asked for (<c>VpdqOptions.Tmk</c>).</summary>
    public Safeguard.Hashing.Tmk.TmkFeatures? Tmk { get; set; }
    /// <summary>How many frames were sampled and hashed (repeats included).</summary>
    public int VpdqFrames { get; set; }
    /// <summary>Set when the file failed; exact hashes may still be present (e.g. an undecodable image).</summary>
    public string? Error { get; set; }

    public bool Failed => Error is not null;

    public static string Hex(byte[]? bytes) => bytes is null ? "" : Convert.ToHexStringLower(bytes);
}

namespace Safeguard.Banks.Formats;

/// <summary>One VICS Media object, as read or to be written.</summary>
public sealed record VicsMedia
{
    /// <summary>MediaID; written as a JSON number when it is one.</summary>
    public string? MediaId { get; init; }
    /// <summary>VICS category 0..4; null is uncategorised.</summary>
    public int? Category { get; init; }
    public string? Md5 { get; init; }
    public string? Sha1 { get; init; }
    public string? Sha256 { get; init; }
    /// <summary>PDQ hex, carried in AlternativeHashes as HashName "PDQ".</summary>
    public string? Pdq { get; init; }
    /// <summary>MD5 of a whole video file, in AlternativeHashes as HashName "VIDEO_MD5".</summary>
    public string? VideoMd5 { get; init; }
    /// <summary>vPDQ frame list (docs/video.md), in AlternativeHashes as HashName "VPDQ".</summary>
    public string? Vpdq { get; init; }
    /// <summary>TMK+PDQF hash (base64 of the .tmk file), in AlternativeHashes as HashName "TMK_PDQF", NCMEC's name for it.</summary>
    public string? Tmk { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public string? Comments { get; init; }
    public bool? IsPrecategorized { get; init; }
    public IReadOnlyList<VicsMediaFile> MediaFiles { get; init; } = [];
}

/// <summary>Where a media item was found (VICS MediaFiles entry).</summary>
public sealed record VicsMediaFile(string? Md5, string FileName, string? FilePath)
{
    public DateTimeOffset? Created { get; init; }
    public DateTimeOffset? Written { get; init; }
    public DateTimeOffset? Accessed { get; init; }
    public bool? Deleted { get; init; }
    public bool? Unallocated { get; init; }
}

/// <summary>Header fields of a VICS case (a #Cases document holds cases, each with its Media).</summary>
public sealed record VicsCase
{
    public string? CaseNumber { get; init; }
    public string? CaseName { get; init; }
    public string? Agency { get; init; }
    public string? Examiner { get; init; }
}

public enum VicsDocumentKind { Media, Cases }

using System.Text.Json;
using System.Text.Json.Serialization;
using Safeguard.Engine.Matching;

namespace Safeguard.Engine.Scanning;

/// <summary>One line of files.jsonl (and of the resume journal): a file or archive member and what matched.</summary>
public sealed record ScanRecord
{
    public required string Path { get; init; }
    public long Size { get; init; }
    public bool Archive { get; init; }
    public string? Md5 { get; init; }
    public string? Sha1 { get; init; }
    public string? Sha256 { get; init; }
    public string? Pdq { get; init; }
    public int? Quality { get; init; }
    /// <summary>A video's vPDQ in the compact text form banks import (frames as sampled, repeats left out); null for other files.</summary>
    public string? Vpdq { get; init; }
    /// <summary>A video's TMK+PDQF (base64 of its .tmk file, 351 KB): a value a bank can hold as it is.</summary>
    public string? Tmk { get; init; }
    /// <summary>The PDQ hash was not matched: quality below --min-quality.</summary>
    public bool LowQuality { get; init; }
    /// <summary>The first file (in scan order) with the same SHA-256 and size.</summary>
    public string? DuplicateOf { get; set; }
    public List<ScanMatch> Matches { get; init; } = [];
    /// <summary>"symlink" or "hardlink" for a link recorded instead of followed (no hashes); null for files.</summary>
    public string? Type { get; init; }
    /// <summary>The link's target as written in the link (never resolved against this machine unless --follow-symlinks).</summary>
    public string? LinkTarget { get; init; }
    /// <summary>Why the link was not followed (or where its target was hashed).</summary>
    public string? LinkNote { get; init; }
    public string? Error { get; init; }

    /// <summary>A video: its vPDQ or TMK was computed.</summary>
    [JsonIgnore]
    public bool IsVideo => Vpdq is not null || Tmk is not null;

    /// <summary>The most severe VICS category among the matches (1 before 2, 3, 4, then 0), or null.</summary>
    [JsonIgnore]
    public int? Category
    {
        get
        {
            int? best = null;
            foreach (var m in Matches)
                if (m.Category is int c && (best is null || Severity(c) < Severity(best.Value))) best = c;
            return best;
        }
    }

    private static int Severity(int category) => category == 0 ? 99 : category;

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ScanRecord? FromJson(string line) => JsonSerializer.Deserialize<ScanRecord>(line, Json);
}

/// <param name="FrameSeconds">For a frame of a video: when the nearest matching frame appears.</param>
/// <param name="FrameTimes">For a frame of a video: when every matching sampled frame appears.</param>
/// <param name="TmkLevel1">For TMK: the level-1 score (cosine of the pure averages).</param>
/// <param name="TmkLevel2">For TMK: the level-2 score (time kernel); null when either side holds only the pure average.</param>
public sealed record ScanMatch(string Bank, string? ContentId, int? Category, string? Grade, string SignalType, int Distance, string? Dihedral,
    double? FrameSeconds = null, double[]? FrameTimes = null, double? TmkLevel1 = null, double? TmkLevel2 = null)
{
    public static ScanMatch From(Match m) => new(m.Entry.Bank, m.Entry.ContentId, m.Entry.Category, m.Entry.Grade, m.Signal.Name, m.Distance,
        m.Transform is null ? null : m.TransformName, m.FrameSeconds is { } s ? Math.Round(s, 3) : null,
        m.FrameTimes?.Select(x => Math.Round(x, 3)).ToArray(), Score(m.TmkLevel1), Score(m.TmkLevel2));

    /// <summary>A TMK score as outputs write it: six decimals, as Meta's tools print them.</summary>
    public static double? Score(float? score) => score is { } s ? Math.Round(s, 6) : null;
}

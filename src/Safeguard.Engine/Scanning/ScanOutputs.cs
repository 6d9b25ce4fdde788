using Safeguard.Csv;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Safeguard.Banks.Formats;

namespace Safeguard.Engine.Scanning;

/// <summary>
/// Writes a scan's results into the output folder as they come (files.jsonl, files.csv, written to
/// .partial files and renamed when complete) and, at the end, summary.json and case.vics.json.
/// Nothing here depends on timing, so a resumed scan writes exactly what an uninterrupted one does.
/// </summary>
public sealed class ScanOutputs : IDisposable
{
    private readonly string _dir;
    private readonly StreamWriter _jsonl, _csv;
    private readonly Dictionary<(string Sha256, long Size), string> _firstByContent = new();
    private readonly Dictionary<(string Sha256, long Size), MediaEntry> _media = new();
    private readonly List<MediaEntry> _mediaOrder = [];
    private readonly HashSet<string> _uniqueImages = new(StringComparer.Ordinal), _uniqueVideos = new(StringComparer.Ordinal);
    public readonly ScanSummary Summary = new();
    private static readonly JsonSerializerOptions IndentedJson = new(ScanRecord.Json) { WriteIndented = true };

    private sealed class MediaEntry(ScanRecord first)
    {
        public readonly ScanRecord First = first;
        public readonly List<string> Paths = [];
        public int? Category;
        public readonly SortedSet<string> Banks = new(StringComparer.Ordinal);
    }

    public ScanOutputs(string dir)
    {
        _dir = dir;
        _jsonl = Create("files.jsonl");
        _csv = Create("files.csv");
        _csv.Write("path,size,archive,md5,sha1,sha256,pdq,quality,low_quality,duplicate_of,matches,banks,categories,content_ids,min_distance,error,type,link_target,link_note,signal_types,tmk_level1,tmk_level2\n");
    }

    private StreamWriter Create(string name) =>
        new(new FileStream(Path.Combine(_dir, name + ".partial"), FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16), new UTF8Encoding(false), 1 << 16);

    /// <summary>Marks duplicates (by SHA-256 and size, first in scan order wins) and writes the record.</summary>
    public void Add(ScanRecord r)
    {
        if (r.Sha256 is not null)
        {
            var key = (r.Sha256, r.Size);
            if (_firstByContent.TryGetValue(key, out var first)) r.DuplicateOf = first;
            else { r.DuplicateOf = null; _firstByContent[key] = r.Path; }
            if (!_media.TryGetValue(key, out var media))
            {
                media = new MediaEntry(r);
                _media[key] = media;
                _mediaOrder.Add(media);
            }
            media.Paths.Add(r.Path);
            foreach (var m in r.Matches) media.Banks.Add(m.Bank);
            if (r.Category is int c && (media.Category is not int old || (c == 0 ? 99 : c) < (old == 0 ? 99 : old))) media.Category = c;
            if (r.Pdq is not null) _uniqueImages.Add(r.Sha256 + ":" + r.Size);
            if (r.IsVideo) _uniqueVideos.Add(r.Sha256 + ":" + r.Size);
        }
        Summary.Count(r);
        Summary.UniqueImages = _uniqueImages.Count;
        Summary.UniqueVideos = _uniqueVideos.Count;
        _jsonl.Write(r.ToJson());
        _jsonl.Write('\n');
        WriteCsv(r);
    }

    private void WriteCsv(ScanRecord r)
    {
        var w = _csv;
        string Join(IEnumerable<string?> xs) => string.Join(';', xs.Where(x => !string.IsNullOrEmpty(x)).Distinct());
        w.Write(CsvField.Escape(r.Path)); w.Write(',');
        w.Write(r.Size); w.Write(',');
        w.Write(r.Archive ? "true" : "false"); w.Write(',');
        w.Write(r.Md5); w.Write(','); w.Write(r.Sha1); w.Write(','); w.Write(r.Sha256); w.Write(',');
        w.Write(r.Pdq); w.Write(','); w.Write(r.Quality?.ToString()); w.Write(',');
        w.Write(r.LowQuality ? "true" : "false"); w.Write(',');
        w.Write(CsvField.Escape(r.DuplicateOf)); w.Write(',');
        w.Write(r.Matches.Count); w.Write(',');
        w.Write(CsvField.Escape(Join(r.Matches.Select(m => m.Bank)))); w.Write(',');
        w.Write(Join(r.Matches.Select(m => m.Category?.ToString()))); w.Write(',');
        w.Write(CsvField.Escape(Join(r.Matches.Select(m => m.ContentId)))); w.Write(',');
        w.Write(r.Matches.Count > 0 ? r.Matches.Min(m => m.Distance).ToString() : ""); w.Write(',');
        w.Write(CsvField.Escape(r.Error)); w.Write(',');
        w.Write(r.Type ?? "file"); w.Write(',');
        w.Write(CsvField.Escape(r.LinkTarget)); w.Write(',');
        w.Write(CsvField.Escape(r.LinkNote)); w.Write(',');
        w.Write(Join(r.Matches.Select(m => m.SignalType))); w.Write(',');
        // The best TMK match's scores (the matches column counts them all).
        var tmk = r.Matches.Where(m => m.TmkLevel1 is not null).OrderByDescending(m => m.TmkLevel2 ?? m.TmkLevel1).FirstOrDefault();
        w.Write(tmk?.TmkLevel1?.ToString("0.000000", CultureInfo.InvariantCulture)); w.Write(',');
        w.Write(tmk?.TmkLevel2?.ToString("0.000000", CultureInfo.InvariantCulture)); w.Write('\n');
    }

    /// <summary>Completes every output file (summary.json and case.vics.json included).</summary>
    public void Complete(string caseName)
    {
        _jsonl.Dispose();
        _csv.Dispose();
        Publish("files.jsonl");
        Publish("files.csv");
        File.WriteAllText(Path.Combine(_dir, "summary.json.partial"), JsonSerializer.Serialize(Summary, IndentedJson) + "\n");
        Publish("summary.json");
        using (var stream = new FileStream(Path.Combine(_dir, "case.vics.json.partial"), FileMode.Create, FileAccess.Write))
        using (var vics = new VicsWriter(stream, VicsDocumentKind.Cases))
        {
            vics.BeginCase(new VicsCase { CaseName = caseName });
            int id = 0;
            foreach (var m in _mediaOrder)
            {
                var r = m.First;
                vics.WriteMedia(new VicsMedia
                {
                    MediaId = (++id).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Category = m.Category,
                    Md5 = r.Md5, Sha1 = r.Sha1, Sha256 = r.Sha256, Pdq = r.Pdq, Vpdq = r.Vpdq, Tmk = r.Tmk,
                    IsPrecategorized = m.Category is not null,
                    Tags = [.. m.Banks.Select(b => "bank:" + b)],
                    MediaFiles = [.. m.Paths.Select(p => new VicsMediaFile(r.Md5, FileName(p), Folder(p)))],
                });
            }
            vics.EndCase();
            vics.Complete();
        }
        Publish("case.vics.json");
    }

    private static string FileName(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash < 0 ? path : path[(slash + 1)..];
    }

    private static string? Folder(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash <= 0 ? null : path[..slash];
    }

    private void Publish(string name) => File.Move(Path.Combine(_dir, name + ".partial"), Path.Combine(_dir, name), overwrite: true);

    public void Dispose()
    {
        _jsonl.Dispose();
        _csv.Dispose();
    }
}

/// <summary>summary.json: counts over every record of the scan.</summary>
public sealed class ScanSummary
{
    public long Files { get; set; }
    public long Archives { get; set; }
    public long Images { get; set; }
    public long UniqueImages { get; set; }
    /// <summary>Videos hashed (vPDQ and/or TMK computed).</summary>
    public long Videos { get; set; }
    public long UniqueVideos { get; set; }
    /// <summary>Files of any kind whose content (SHA-256 and size) came earlier in the scan.</summary>
    public long Duplicates { get; set; }
    public long DuplicateImages { get; set; }
    public long DuplicateVideos { get; set; }
    /// <summary>Files that are neither image, video nor archive (and had no error): no PDQ, matched by exact hashes only.</summary>
    public long OtherFiles { get; set; }
    public long MatchedFiles { get; set; }
    public long UnmatchedFiles { get; set; }
    public long LowQualitySkipped { get; set; }
    public long Errors { get; set; }
    /// <summary>Symbolic and hard links recorded (not files: no hashes).</summary>
    public long Links { get; set; }
    public SortedDictionary<string, long> MatchesByBank { get; set; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, long> MatchesByCategory { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Matched files by the signal type that matched (a file matched by PDQ and TMK counts under both).</summary>
    public SortedDictionary<string, long> MatchesBySignalType { get; set; } = new(StringComparer.Ordinal);

    public void Count(ScanRecord r)
    {
        if (r.Type is not null)
        {
            Links++;
            if (r.Error is not null) Errors++;
            return;
        }
        Files++;
        if (r.Archive) Archives++;
        if (r.Pdq is not null) Images++;
        if (r.IsVideo) Videos++;
        if (r.DuplicateOf is not null)
        {
            Duplicates++;
            if (r.Pdq is not null) DuplicateImages++;
            if (r.IsVideo) DuplicateVideos++;
        }
        if (r.Pdq is null && !r.IsVideo && !r.Archive && r.Error is null) OtherFiles++;
        if (r.LowQuality) LowQualitySkipped++;
        if (r.Error is not null) Errors++;
        if (r.Matches.Count == 0) { UnmatchedFiles++; return; }
        MatchedFiles++;
        foreach (var bank in r.Matches.Select(m => m.Bank).Distinct())
            MatchesByBank[bank] = MatchesByBank.GetValueOrDefault(bank) + 1;
        foreach (var type in r.Matches.Select(m => m.SignalType).Distinct())
            MatchesBySignalType[type] = MatchesBySignalType.GetValueOrDefault(type) + 1;
        string category = r.Category?.ToString() ?? "uncategorised";
        MatchesByCategory[category] = MatchesByCategory.GetValueOrDefault(category) + 1;
    }

    public string ToText()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"files:              {Files:N0} ({Archives:N0} archives)");
        if (Links > 0) sb.AppendLine($"links recorded:     {Links:N0} (not followed; see type/link_target)");
        sb.AppendLine($"images:             {Images:N0} ({UniqueImages:N0} unique, {DuplicateImages:N0} duplicate files)");
        sb.AppendLine($"videos:             {Videos:N0} ({UniqueVideos:N0} unique, {DuplicateVideos:N0} duplicate files)");
        sb.AppendLine($"other files:        {OtherFiles:N0} (not images or videos: no PDQ, exact hashes only)");
        sb.AppendLine($"matched files:      {MatchedFiles:N0}");
        foreach (var (bank, n) in MatchesByBank) sb.AppendLine($"  bank {bank}: {n:N0}");
        foreach (var (cat, n) in MatchesByCategory) sb.AppendLine($"  category {cat}: {n:N0}");
        foreach (var (type, n) in MatchesBySignalType) sb.AppendLine($"  by {type}: {n:N0}");
        sb.AppendLine($"unmatched files:    {UnmatchedFiles:N0}");
        sb.AppendLine($"low-quality PDQ:    {LowQualitySkipped:N0} (not matched by PDQ)");
        sb.Append($"errors:             {Errors:N0}");
        return sb.ToString();
    }
}

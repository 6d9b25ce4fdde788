using System.Text;

namespace Safeguard.Engine.Scanning;

/// <summary>
/// scan.journal in the output folder: a header naming the scan's settings, then one finished
/// record per line, flushed as it is written, so a killed scan can be resumed without hashing its
/// finished files again. Deleted when the scan completes.
/// </summary>
public sealed class ScanJournal : IDisposable
{
    public const string FileName = "scan.journal";
    private readonly StreamWriter _writer;

    private ScanJournal(StreamWriter writer) => _writer = writer;

    /// <summary>
    /// Reads the finished records of an earlier run (a last line cut off by the kill is ignored).
    /// Throws <see cref="ScanSettingsChangedException"/> when that run had other settings.
    /// </summary>
    public static Dictionary<string, ScanRecord> Load(string dir, string fingerprint)
    {
        var records = new Dictionary<string, ScanRecord>(StringComparer.Ordinal);
        var path = Path.Combine(dir, FileName);
        if (!File.Exists(path)) return records;
        using var reader = new StreamReader(path, Encoding.UTF8);
        var header = reader.ReadLine();
        if (header != fingerprint)
            throw new ScanSettingsChangedException($"{path}: the interrupted scan used other inputs, banks or options; run without --resume to start again");
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            ScanRecord? r;
            try { r = ScanRecord.FromJson(line); }
            catch (System.Text.Json.JsonException) { break; }
            if (r is not null) records[r.Path] = r;
        }
        return records;
    }

    /// <summary>Starts a fresh journal holding <paramref name="kept"/> (the records of the run being resumed).</summary>
    public static ScanJournal Start(string dir, string fingerprint, IEnumerable<ScanRecord> kept)
    {
        var path = Path.Combine(dir, FileName);
        var tmp = path + ".tmp";
        using (var w = new StreamWriter(tmp, false, new UTF8Encoding(false)))
        {
            w.WriteLine(fingerprint);
            foreach (var r in kept) w.WriteLine(r.ToJson());
        }
        File.Move(tmp, path, overwrite: true);
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        return new ScanJournal(new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = false });
    }

    public void Append(ScanRecord r)
    {
        _writer.Write(r.ToJson());
        _writer.Write('\n');
        _writer.Flush();
    }

    public static void Delete(string dir) => File.Delete(Path.Combine(dir, FileName));

    public void Dispose() => _writer.Dispose();
}

/// <summary>A resumed scan was started with other inputs, banks or options than the interrupted one.</summary>
public sealed class ScanSettingsChangedException(string message) : Exception(message);

using Safeguard.Csv;
using Safeguard.Signals;
using System.Text.Json;
using Safeguard.Banks.Formats;
using Safeguard.Hashing.Files;
using Safeguard.Hashing.Pdq;

namespace Safeguard.Cli.Output;

/// <summary>--format of hash and match; the first value is the default.</summary>
public enum OutputFormat { Csv, Jsonl }

/// <summary>Writes <c>safeguard hash</c> results as CSV (with a header) or JSON lines.</summary>
public sealed class HashResultWriter : IDisposable
{
    private static readonly string[] DihedralColumns =
        ["pdq", "pdq_rot90", "pdq_rot180", "pdq_rot270", "pdq_flipx", "pdq_flipy", "pdq_flipplus1", "pdq_flipminus1"];

    private readonly TextWriter _out;
    private readonly OutputFormat _format;
    private readonly HashSignals _signals;
    private readonly bool _dihedral;
    private readonly MemoryStream _jsonBuffer = new();
    private readonly Utf8JsonWriter _json;

    public HashResultWriter(TextWriter output, OutputFormat format, HashSignals signals, bool dihedral)
    {
        _out = output;
        _format = format;
        _signals = signals;
        _dihedral = dihedral;
        _json = new Utf8JsonWriter(_jsonBuffer);
    }

    public void Dispose()
    {
        _json.Dispose();
        _jsonBuffer.Dispose();
    }

    public void WriteHeader()
    {
        if (_format != OutputFormat.Csv) return;
        var cols = new List<string> { "path" };
        if (_signals.HasFlag(HashSignals.Pdq))
        {
            if (_dihedral) cols.AddRange(DihedralColumns); else cols.Add(SignalTypes.Pdq.Name);
            cols.Add("quality");
        }
        if (_signals.HasFlag(HashSignals.Md5)) cols.Add(SignalTypes.Md5.Name);
        if (_signals.HasFlag(HashSignals.Sha1)) cols.Add(SignalTypes.Sha1.Name);
        if (_signals.HasFlag(HashSignals.Sha256)) cols.Add(SignalTypes.Sha256.Name);
        _out.Write(string.Join(',', cols));
        _out.Write('\n');
    }

    public void Write(FileHashResult r)
    {
        if (_format == OutputFormat.Csv) WriteCsv(r); else WriteJson(r);
    }

    private void WriteCsv(FileHashResult r)
    {
        _out.Write(CsvField.Escape(r.Path));
        if (_signals.HasFlag(HashSignals.Pdq) && r.IsVideo)
        {
            // Videos have no single PDQ: empty pdq/quality columns (vPDQ is in jsonl and 'video hash').
            _out.Write(new string(',', _dihedral ? 9 : 2));
        }
        else if (_signals.HasFlag(HashSignals.Pdq))
        {
            if (_dihedral)
                foreach (var h in r.DihedralHashes!) { _out.Write(','); _out.Write(h.ToString()); }
            else
            {
                _out.Write(',');
                _out.Write(r.Pdq!.Value.Hash.ToString());
            }
            _out.Write(',');
            _out.Write(r.Pdq!.Value.Quality);
        }
        if (_signals.HasFlag(HashSignals.Md5)) { _out.Write(','); _out.Write(FileHashResult.Hex(r.Md5)); }
        if (_signals.HasFlag(HashSignals.Sha1)) { _out.Write(','); _out.Write(FileHashResult.Hex(r.Sha1)); }
        if (_signals.HasFlag(HashSignals.Sha256)) { _out.Write(','); _out.Write(FileHashResult.Hex(r.Sha256)); }
        _out.Write('\n');
    }

    private void WriteJson(FileHashResult r)
    {
        _jsonBuffer.SetLength(0);
        _json.Reset(_jsonBuffer);
        _json.WriteStartObject();
        _json.WriteString("path", r.Path);
        if (r.IsVideo)
        {
            _json.WriteString("kind", "video");
            if (r.VideoFrames is { } frames) { _json.WriteString(SignalTypes.Vpdq.Name, SignalTypes.Vpdq.Format(frames)); _json.WriteNumber("vpdq_frames", r.VpdqFrames); }
            _json.WriteNumber("width", r.Width);
            _json.WriteNumber("height", r.Height);
        }
        if (_signals.HasFlag(HashSignals.Pdq) && r.Pdq is { } pdq)
        {
            _json.WriteString(SignalTypes.Pdq.Name, pdq.Hash.ToString());
            _json.WriteNumber("quality", pdq.Quality);
            if (_dihedral && r.DihedralHashes is { } hashes)
            {
                _json.WriteStartObject("dihedral");
                for (int i = 0; i < 8; i++) _json.WriteString(DihedralColumns[i], hashes[i].ToString());
                _json.WriteEndObject();
            }
            _json.WriteNumber("width", r.Width);
            _json.WriteNumber("height", r.Height);
        }
        if (r.Md5 is not null) _json.WriteString(SignalTypes.Md5.Name, FileHashResult.Hex(r.Md5));
        if (r.IsVideo && r.Md5 is not null) _json.WriteString(SignalTypes.VideoMd5.Name, FileHashResult.Hex(r.Md5));
        if (r.Sha1 is not null) _json.WriteString(SignalTypes.Sha1.Name, FileHashResult.Hex(r.Sha1));
        if (r.Sha256 is not null) _json.WriteString(SignalTypes.Sha256.Name, FileHashResult.Hex(r.Sha256));
        _json.WriteNumber("size", r.Size);
        _json.WriteEndObject();
        _json.Flush();
        _out.Write(System.Text.Encoding.UTF8.GetString(_jsonBuffer.GetBuffer(), 0, (int)_jsonBuffer.Length));
        _out.Write('\n');
    }
}

using System.Globalization;
using System.Text.Json;
using Safeguard.Signals;
using Safeguard.Signals.Md5;
using Safeguard.Signals.Pdq;
using Safeguard.Signals.Sha1;
using Safeguard.Signals.Sha256;
using Safeguard.Signals.Tmk;
using Safeguard.Signals.VideoMd5;
using Safeguard.Signals.Vpdq;

namespace Safeguard.Banks.Formats;

/// <summary>
/// Writes a VICS 2.0 document as it goes: #Media (Media objects in "value") or #Cases (case
/// objects in "value", each with its own "Media" array). MD5 and SHA1 are upper-case hex as
/// VICS tools expect; PDQ, SHA256 and the video hashes (VIDEO_MD5, VPDQ, TMK_PDQF) go into
/// AlternativeHashes.
/// </summary>
public sealed class VicsWriter : IDisposable
{
    public const string ContextBase = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml";

    /// <summary>NCMEC's HashName for TMK+PDQF in AlternativeHashes; the tmk type's alias, so it reads back.</summary>
    public const string TmkHashName = "TMK_PDQF";

    private readonly Utf8JsonWriter _json;
    private readonly VicsDocumentKind _kind;
    private bool _inCase, _completed;
    private long _written;

    /// <param name="variant">Default, US, UK or CUSTOM (the data model variant in @odata.context).</param>
    public VicsWriter(Stream output, VicsDocumentKind kind = VicsDocumentKind.Media, string variant = "Default")
    {
        if (variant is not ("Default" or "US" or "UK" or "CUSTOM"))
            throw new ArgumentException($"VICS variant must be Default, US, UK or CUSTOM, not '{variant}'", nameof(variant));
        _kind = kind;
        _json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, SkipValidation = false });
        _json.WriteStartObject();
        _json.WriteString("@odata.context", $"{ContextBase}/{variant}/$metadata#{(kind == VicsDocumentKind.Media ? "Media" : "Cases")}");
        _json.WriteStartArray("value");
    }

    public void BeginCase(VicsCase c)
    {
        if (_kind != VicsDocumentKind.Cases) throw new InvalidOperationException("BeginCase needs a #Cases document");
        if (_inCase) throw new InvalidOperationException("a case is already open");
        _inCase = true;
        _json.WriteStartObject();
        WriteIfSet("CaseNumber", c.CaseNumber);
        WriteIfSet("CaseName", c.CaseName);
        WriteIfSet("Agency", c.Agency);
        WriteIfSet("Examiner", c.Examiner);
        _json.WriteStartArray("Media");
    }

    public void EndCase()
    {
        if (!_inCase) throw new InvalidOperationException("no case is open");
        _inCase = false;
        _json.WriteEndArray();
        _json.WriteEndObject();
        _json.Flush();
    }

    public void WriteMedia(VicsMedia m)
    {
        if (_kind == VicsDocumentKind.Cases && !_inCase) throw new InvalidOperationException("in a #Cases document, media go inside BeginCase/EndCase");
        _json.WriteStartObject();
        if (m.MediaId is { } id)
        {
            if (long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) _json.WriteNumber("MediaID", n);
            else _json.WriteString("MediaID", id);
        }
        if (m.Category is int cat) _json.WriteNumber("Category", cat); else _json.WriteNull("Category");
        WriteIfSet("MD5", m.Md5?.ToUpperInvariant());
        WriteIfSet("SHA1", m.Sha1?.ToUpperInvariant());
        if (m.IsPrecategorized is bool pre) _json.WriteBoolean("IsPrecategorized", pre);
        if (m.Tags.Count > 0)
        {
            _json.WriteStartArray("Tags");
            foreach (var t in m.Tags) _json.WriteStringValue(t);
            _json.WriteEndArray();
        }
        WriteIfSet("Comments", m.Comments);
        if (m.Pdq is not null || m.Sha256 is not null || m.VideoMd5 is not null || m.Vpdq is not null || m.Tmk is not null)
        {
            _json.WriteStartArray("AlternativeHashes");
            if (m.Pdq is { } pdq) WriteAlternative("PDQ", pdq);
            if (m.Sha256 is { } sha256) WriteAlternative("SHA256", sha256);
            if (m.VideoMd5 is { } videoMd5) WriteAlternative("VIDEO_MD5", videoMd5);
            if (m.Vpdq is { } vpdq) WriteAlternative("VPDQ", vpdq);
            if (m.Tmk is { } tmk) WriteAlternative(TmkHashName, tmk);
            _json.WriteEndArray();
        }
        if (m.MediaFiles.Count > 0)
        {
            _json.WriteStartArray("MediaFiles");
            foreach (var f in m.MediaFiles)
            {
                _json.WriteStartObject();
                WriteIfSet("MD5", f.Md5?.ToUpperInvariant());
                _json.WriteString("FileName", f.FileName);
                WriteIfSet("FilePath", f.FilePath);
                if (f.Created is { } c) _json.WriteString("Created", c);
                if (f.Written is { } w) _json.WriteString("Written", w);
                if (f.Accessed is { } a) _json.WriteString("Accessed", a);
                if (f.Unallocated is bool u) _json.WriteBoolean("Unallocated", u);
                if (f.Deleted is bool d) _json.WriteBoolean("Deleted", d);
                _json.WriteEndObject();
            }
            _json.WriteEndArray();
        }
        _json.WriteEndObject();
        if (++_written % 1000 == 0) _json.Flush();
    }

    private void WriteAlternative(string name, string value)
    {
        _json.WriteStartObject();
        _json.WriteString("HashName", name);
        _json.WriteString("HashValue", value);
        _json.WriteEndObject();
    }

    private void WriteIfSet(string name, string? value)
    {
        if (value is not null) _json.WriteString(name, value);
    }

    /// <summary>Closes the document. Without it the output is incomplete JSON.</summary>
    /// <param name="annotations">Document-level properties written after "value" (OData instance annotations, "@namespace.term"); readers skip them.</param>
    public void Complete(IReadOnlyList<(string Name, string Value)>? annotations = null)
    {
        if (_completed) return;
        if (_inCase) EndCase();
        _json.WriteEndArray();
        foreach (var (name, value) in annotations ?? []) _json.WriteString(name, value);
        _json.WriteEndObject();
        _json.Flush();
        _completed = true;
    }

    public void Dispose() => _json.Dispose();

    /// <summary>
    /// Writes bank entries as #Media, one Media object per run of consecutive entries that share
    /// a content id (so an MD5 and a PDQ of the same item travel together).
    /// </summary>
    public static void WriteEntries(Stream output, IEnumerable<EntryRecord> records, string variant = "Default")
    {
        using var writer = new VicsWriter(output, VicsDocumentKind.Media, variant);
        VicsMedia? current = null;
        foreach (var r in records)
        {
            if (current is not null && (r.ContentId is null || r.ContentId != current.MediaId || Has(current, r.Type)))
            {
                writer.WriteMedia(current);
                current = null;
            }
            current ??= new VicsMedia
            {
                MediaId = r.ContentId, Category = r.Category,
                Tags = r.Grade is null ? r.Tags : [.. r.Tags, VicsFormat.GradeTagPrefix + r.Grade],
            };
            current = r.Type switch
            {
                Md5Signal => current with { Md5 = r.Value },
                Sha1Signal => current with { Sha1 = r.Value },
                Sha256Signal => current with { Sha256 = r.Value },
                PdqSignal => current with { Pdq = r.Value },
                VideoMd5Signal => current with { VideoMd5 = r.Value },
                VpdqSignal => current with { Vpdq = r.Value },
                TmkSignal => current with { Tmk = r.Value },
                _ => throw new BankException($"signal type {r.Type.Name} cannot be written as VICS"),
            };
        }
        if (current is not null) writer.WriteMedia(current);
        writer.Complete();
    }

    private static bool Has(VicsMedia m, SignalType t) => t switch
    {
        Md5Signal => m.Md5 is not null,
        Sha1Signal => m.Sha1 is not null,
        Sha256Signal => m.Sha256 is not null,
        PdqSignal => m.Pdq is not null,
        VideoMd5Signal => m.VideoMd5 is not null,
        VpdqSignal => m.Vpdq is not null,
        TmkSignal => m.Tmk is not null,
        _ => true,
    };
}

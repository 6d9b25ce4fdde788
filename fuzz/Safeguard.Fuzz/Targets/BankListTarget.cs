using Safeguard.Banks;
using Safeguard.Banks.Formats;

namespace Safeguard.Fuzz.Targets;

/// <summary>
/// A hash-list reader (VICS JSON, CSV or plain list) fed the bytes as a stream and drained, plus
/// format detection. <see cref="BankFormatException"/> (a whole file that is not the format) is the
/// documented error; bad lines go to OnProblem and reading carries on.
/// </summary>
public sealed class BankListTarget(BankFormat format) : IFuzzTarget
{
    private static readonly string Pdq = new('f', 64), Md5 = new('a', 32), Sha1 = new('b', 40), Sha256 = "c" + new string('d', 63);
    private int _problems;

    public string Name => format.ToString().ToLowerInvariant();
    public string Description => $"BankFormats.Read({format}) drained, and BankFormats.Detect";

    public void Run(ReadOnlySpan<byte> input)
    {
        BankFormats.Detect(null, input[..Math.Min(input.Length, 4096)]);
        _problems = 0;
        var options = new ReadOptions
        {
            SourceName = "fuzz-input", OnProblem = p => { _problems++; _ = p.ToString(); },
            MaxLineLength = 4096, MaxJsonTokenBytes = 64 * 1024,
        };
        using var stream = new MemoryStream(input.ToArray(), writable: false);
        try
        {
            foreach (var record in BankFormats.Read(format, stream, options))
                if (record.Type is null || string.IsNullOrEmpty(record.Value)) throw new InvalidOperationException("reader yielded an empty record");
        }
        catch (BankFormatException ex) when (ex.InputName == "fuzz-input") { }
    }

    public IEnumerable<(string Name, byte[] Bytes)> Seeds(SeedSources sources)
    {
        switch (format)
        {
            case BankFormat.Plain:
                yield return ("list.txt", Utf8($"# a comment\n{Md5}\npdq {Pdq}\r\nsha1 {Sha1}\n\n  sha256 {Sha256}  # trailing\n"));
                yield return ("bom.txt", [0xEF, 0xBB, 0xBF, .. Utf8($"{Sha1}\nmd5\t{Md5}\n")]);
                break;
            case BankFormat.Csv:
                yield return ("header.csv", Utf8($"signal_type,signal,content_id,category,grade,tags\r\npdq,{Pdq},c1,1,A,\"x;y\"\r\nmd5,{Md5},\"c,2\",2,,\r\n"));
                yield return ("hma.csv", Utf8($"pdq,{Pdq},id-1,meta\nmd5,{Md5},id-2\n"));
                yield return ("typed-columns.csv", Utf8($"md5,sha1,\"content id\"\n{Md5},{Sha1},\"quoted \"\"id\"\"\"\n"));
                break;
            default:
                yield return ("media.json", Utf8($$"""{"odata.metadata":"x#Media","value":[{"MediaID":"1","Category":1,"MD5":"{{Md5}}","SHA1":"{{Sha1}}","Tags":["grade:A","t"],"AlternativeHashes":[{"HashName":"PDQ","HashValue":"{{Pdq}}"}]}]}"""));
                yield return ("cases.json", Utf8($$"""{"value":[{"CaseID":7,"Media":[{"MediaID":2,"Category":"2","SHA256":"{{Sha256}}","IsPrecategorized":"true"}]}]}"""));
                foreach (var f in SeedSources.SmallFiles(Path.Combine(sources.RepositoryRoot, "tests", "Safeguard.Banks.Tests", "Fixtures"), "*.json", 4)) yield return f;
                break;
        }
    }

    public IEnumerable<string> Dictionary => format switch
    {
        BankFormat.Vics => ["\"value\"", "\"Media\"", "\"MediaID\"", "\"Category\"", "\"MD5\"", "\"SHA1\"", "\"SHA256\"", "\"Tags\"", "\"AlternativeHashes\"",
            "\"HashName\"", "\"HashValue\"", "\"PDQ\"", "grade:", "null", "true", "false", "\\u0000", "\\ud800", "/*", "*/", "//", "1e400", "-0"],
        BankFormat.Csv => ["signal_type", "signal", "content_id", "category", "grade", "tags", "md5", "sha1", "sha256", "pdq", "\"\"", "\r\n", Pdq, Md5],
        _ => ["md5 ", "sha1 ", "sha256 ", "pdq ", "#", "\r\n", "\t", "\xEF\xBB\xBF", Pdq, Md5, Sha1],
    };

    private static byte[] Utf8(string s) => System.Text.Encoding.UTF8.GetBytes(s);
}

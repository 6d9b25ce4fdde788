using System.Text;
using Safeguard.Csv;

namespace Safeguard.Payments.Tests.Feed;

/// <summary>The span reader must give exactly what the project's string reader gives, record for record.</summary>
public class CsvSpanReaderTests
{
    private static List<(long Line, string? Error, string[] Fields)> WithStrings(string text, int maxRecord)
    {
        var reader = new CsvRecordReader(new StringReader(text), maxRecord, maxFields: 50);
        var fields = new List<string>();
        var all = new List<(long, string?, string[])>();
        while (reader.TryRead(fields, out var error)) all.Add((reader.RecordLine, error, [.. fields]));
        return all;
    }

    private static List<(long Line, string? Error, string[] Fields)> WithSpans(string text, int maxRecord, int buffer)
    {
        var reader = new CsvSpanReader(new StringReader(text), maxRecord, maxFields: 50, bufferChars: buffer);
        var all = new List<(long, string?, string[])>();
        while (reader.TryRead(out var error))
        {
            var fields = new string[reader.Count];
            for (int i = 0; i < reader.Count; i++) fields[i] = reader[i].ToString();
            all.Add((reader.RecordLine, error, fields));
        }
        return all;
    }

    [Theory]
    [InlineData("a,b,c\n1,2,3\n")]
    [InlineData("a,b\r\n1,2\r\n")]
    [InlineData("a,b\n\"x,y\",\"he said \"\"hi\"\"\"\n")]
    [InlineData("a,b\n\"line\nbreak\",2\n3,4")]
    [InlineData("a\n\n\nb\n")]
    [InlineData("a,\"unterminated\n")]
    [InlineData("")]
    [InlineData("only,header")]
    public void Same_records_as_the_string_reader(string text)
    {
        foreach (var buffer in new[] { 4096, 1 << 20 })
            Assert.Equal(Describe(WithStrings(text, 1000)), Describe(WithSpans(text, 1000, buffer)));
    }

    [Fact]
    public void Same_records_on_random_input_with_small_buffers()
    {
        var random = new Random(20261202);
        const string alphabet = "ab,\"\n\r x1";
        for (int round = 0; round < 400; round++)
        {
            var sb = new StringBuilder();
            int length = random.Next(0, 9000);
            for (int i = 0; i < length; i++) sb.Append(alphabet[random.Next(alphabet.Length)]);
            var text = sb.ToString();
            int cap = random.Next(8, 300);
            Assert.Equal(Describe(WithStrings(text, cap)), Describe(WithSpans(text, cap, 4096)));
        }
    }

    [Fact]
    public void An_over_long_record_is_skipped_and_the_next_one_read()
    {
        var text = "a,b\n" + new string('x', 100_000) + ",1\nc,d\n";
        var records = WithSpans(text, 1000, 4096);
        Assert.Equal(3, records.Count);
        Assert.Contains("longer than 1000", records[1].Error);
        Assert.Equal(["c", "d"], records[2].Fields);
        Assert.Equal(3, records[2].Line);
    }

    private static List<string> Describe(List<(long Line, string? Error, string[] Fields)> records) =>
        [.. records.Select(r => r.Error is not null && r.Error.Contains("skipped", StringComparison.Ordinal)
            ? $"{r.Line}: skipped"
            : $"{r.Line}: {r.Error ?? ""} [{string.Join("|", r.Fields)}]")];
}

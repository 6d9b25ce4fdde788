using System.Text;
using Safeguard.Payments.Analysis;
using Safeguard.Payments.Feed;
using Safeguard.Payments.Synthetic;

namespace Safeguard.Payments.Tests.Feed;

/// <summary>
/// Mutated feeds (flipped, cut, duplicated and spliced bytes of a real generated feed) through reader,
/// analyser and scorer: nothing may throw, every row is either read or counted as failed, and the rows
/// read never exceed the lines there are.
/// </summary>
public class HostileFeedTests
{
    private struct Sink(PaymentsAnalyzer analyzer) : ITransactionSink
    {
        public readonly void Accept(in TransactionFields transaction, FeedReader reader) => analyzer.Observe(transaction);
    }

    [Theory]
    [InlineData(FeedFormat.Csv)]
    [InlineData(FeedFormat.JsonLines)]
    public void Mutated_feeds_never_throw_and_account_for_every_line(FeedFormat format)
    {
        var gen = new FeedGenerator(FeedSettings.Tuned(41) with { Days = 28, Ordinary = 40 });
        using var buffer = new MemoryStream();
        gen.Write(buffer, format);
        var clean = buffer.ToArray()[..Math.Min(buffer.Length, 200_000).ToInt()];
        var random = new Random(7);
        for (int round = 0; round < 60; round++)
        {
            var bytes = Mutate(clean, random);
            var analyzer = new PaymentsAnalyzer();
            var errors = new List<FeedError>();
            var reader = new FeedReader(new FeedOptions { MaxRecordChars = 2048 }, errors.Add);
            var sink = new Sink(analyzer);
            using var stream = new MemoryStream(bytes);
            reader.ReadStream(stream, "mutated", FeedFormat.Auto, ref sink);
            analyzer.Score();
            long lines = bytes.Count(b => b == (byte)'\n') + 1;
            Assert.True(reader.Rows + reader.FailedRows <= lines, $"round {round}: {reader.Rows} + {reader.FailedRows} rows from {lines} lines");
            Assert.All(errors, e => Assert.Equal("mutated", e.File));
        }
    }

    private static readonly string[] Splices = ["\"", ",", "\n", "\r", "{", "}", "\uFFFF", "-1e308"];
    private static readonly byte[] BadUtf8 = [0xC3, 0x28, 0xF0, 0x9F];

    private static byte[] Mutate(byte[] clean, Random random)
    {
        var b = new List<byte>(clean);
        int edits = random.Next(1, 40);
        for (int i = 0; i < edits && b.Count > 0; i++)
        {
            int at = random.Next(b.Count);
            switch (random.Next(6))
            {
                case 0: b[at] = (byte)random.Next(256); break;
                case 1: b.RemoveRange(at, Math.Min(random.Next(1, 200), b.Count - at)); break;
                case 2: b.InsertRange(at, b.GetRange(at, Math.Min(random.Next(1, 300), b.Count - at))); break;
                case 3: b.InsertRange(at, Encoding.UTF8.GetBytes(Splices[random.Next(Splices.Length)])); break;
                case 4: b.InsertRange(at, BadUtf8); break;
                default: b.RemoveRange(at, b.Count - at); break;
            }
        }
        return [.. b];
    }
}

internal static class LongExtensions
{
    public static int ToInt(this long value) => checked((int)value);
}

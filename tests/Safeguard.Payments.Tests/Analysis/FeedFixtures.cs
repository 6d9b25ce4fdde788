using System.Globalization;
using System.Text;
using Safeguard.Payments.Analysis;
using Safeguard.Payments.Feed;
using Safeguard.Payments.Synthetic;

namespace Safeguard.Payments.Tests.Analysis;

/// <summary>Generated feeds (kept small: few ordinary customers) and hand-written rows for the detection tests.</summary>
internal static class FeedFixtures
{
    public static (byte[] Csv, IReadOnlyList<TruthAccount> Truth) Generate(FeedSettings settings, FeedFormat format = FeedFormat.Csv)
    {
        var gen = new FeedGenerator(settings);
        using var buffer = new MemoryStream();
        gen.Write(buffer, format);
        return (buffer.ToArray(), gen.Truth);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<(IReadOnlyList<TruthAccount>, IReadOnlyList<Subject>)>> Scored = new();

    /// <summary>A generated feed's truth and subjects, generated and scored once per settings for the whole test run.</summary>
    public static (IReadOnlyList<TruthAccount> Truth, IReadOnlyList<Subject> Subjects) ScoredFeed(FeedSettings settings) =>
        Scored.GetOrAdd($"{settings.Preset}/{settings.Seed}/{settings.Ordinary}", _ => new Lazy<(IReadOnlyList<TruthAccount>, IReadOnlyList<Subject>)>(() =>
        {
            var (feed, truth) = Generate(settings);
            return (truth, Scan(feed).Score());
        })).Value;

    private struct Sink(PaymentsAnalyzer analyzer) : ITransactionSink
    {
        public readonly void Accept(in TransactionFields transaction, FeedReader reader) => analyzer.Observe(transaction);
    }

    /// <summary>Streams a feed held in memory through the feed reader into an analyser.</summary>
    public static PaymentsAnalyzer Scan(byte[] feed, PaymentsAnalyzer? analyzer = null, FeedFormat format = FeedFormat.Auto)
    {
        analyzer ??= new PaymentsAnalyzer();
        var errors = new List<FeedError>();
        var reader = new FeedReader(new FeedOptions(), errors.Add);
        var sink = new Sink(analyzer);
        using var stream = new MemoryStream(feed);
        reader.ReadStream(stream, "feed", format, ref sink);
        Assert.Empty(errors);
        return analyzer;
    }

    /// <summary>Rows built by hand: one line each, in the standard columns.</summary>
    public sealed class Rows
    {
        private readonly List<(DateTime At, string Line)> _rows = [];
        private int _next;

        public Rows Add(DateTime utc, string sender, string senderCountry, string receiver, string receiverCountry, decimal amount,
            string channel = "remittance", string type = "person", int mcc = 0, string description = "")
        {
            _rows.Add((utc, string.Create(CultureInfo.InvariantCulture, $"r{++_next},{utc:yyyy-MM-ddTHH:mm:ssZ},{sender},{senderCountry},{receiver},{receiverCountry},{type},{amount.ToString(CultureInfo.InvariantCulture)},USD,{channel},{(mcc == 0 ? "" : mcc)},{description}\n")));
            return this;
        }

        /// <summary>The feed in time order (ids keep the order rows were added).</summary>
        public byte[] Bytes()
        {
            var csv = new StringBuilder("id,timestamp,sender,sender_country,receiver,receiver_country,receiver_type,amount,currency,channel,mcc,description\n");
            foreach (var (_, line) in _rows.OrderBy(r => r.At)) csv.Append(line);
            return Encoding.UTF8.GetBytes(csv.ToString());
        }
    }
}

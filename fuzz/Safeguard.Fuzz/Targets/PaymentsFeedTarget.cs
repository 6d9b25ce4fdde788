using Safeguard.Payments.Analysis;
using Safeguard.Payments.Feed;

namespace Safeguard.Fuzz.Targets;

/// <summary>
/// The payments feed reader (CSV or JSON lines, sniffed), every accepted row into the analyser, then
/// scoring, as `safeguard payments scan` does. Bad rows are reported, never thrown.
/// </summary>
public sealed class PaymentsFeedTarget : IFuzzTarget
{
    private struct Sink(PaymentsAnalyzer analyzer) : ITransactionSink
    {
        public readonly void Accept(in TransactionFields transaction, FeedReader reader) => analyzer.Observe(transaction);
    }

    public string Name => "payments";
    public string Description => "FeedReader.ReadStream (CSV or JSON lines), PaymentsAnalyzer.Observe, Score";

    public void Run(ReadOnlySpan<byte> input)
    {
        var analyzer = new PaymentsAnalyzer();
        var reader = new FeedReader(new FeedOptions { MaxRecordChars = 4096 }, _ => { });
        var sink = new Sink(analyzer);
        using var stream = new MemoryStream(input.ToArray(), writable: false);
        reader.ReadStream(stream, "fuzz", FeedFormat.Auto, ref sink);
        analyzer.Score();
    }

    public IEnumerable<(string Name, byte[] Bytes)> Seeds(SeedSources sources)
    {
        yield return ("feed.csv", """
            id,timestamp,sender,sender_country,receiver,receiver_country,receiver_type,amount,currency,channel,mcc,description
            t1,2025-03-01T19:04:11Z,alice,AU,bob,PH,person,45.50,USD,remittance,,school fees
            t2,2025-03-02T10:00:00Z,alice,AU,shop,AU,business,12,USD,card,5734,"vpn, annual"
            t3,2025-03-03T10:00:00Z,alice,AU,atm,PH,business,100,USD,atm,6011,
            """u8.ToArray());
        yield return ("feed.jsonl", """
            {"id":"t1","timestamp":"2025-03-01T19:04:11Z","sender":"a","sender_country":"US","receiver":"b","receiver_country":"TH","receiver_type":"person","amount":30,"currency":"USD","channel":"e_wallet","mcc":null,"description":"load"}
            """u8.ToArray());
    }

    public IEnumerable<string> Dictionary =>
    [
        "id,timestamp,sender,sender_country,receiver,receiver_country,receiver_type,amount,currency,channel,mcc,description\n",
        "2025-03-01T19:04:11Z", "2025-03-01T19:04:11.1234567+08:00", "person", "business", "remittance", "e_wallet", "crypto_exchange",
        "card", "atm", "PH", "AU", "USD", "EUR", "\"", "\"\"", ",", "\r\n", "1e308", "-0", "NaN", "6051", "5734", "\"amount\"", "{", "}",
    ];
}

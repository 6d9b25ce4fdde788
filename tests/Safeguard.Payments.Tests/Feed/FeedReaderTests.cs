using System.Text;
using Safeguard.Payments.Feed;

namespace Safeguard.Payments.Tests.Feed;

public sealed class FeedReaderTests : IDisposable
{
    private const string Header = "id,timestamp,sender,sender_country,receiver,receiver_country,receiver_type,amount,currency,channel,mcc,description";
    private readonly string _dir = Directory.CreateTempSubdirectory("sg-feed-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text) => Write(name, Encoding.UTF8.GetBytes(text));

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static (List<Transaction> Rows, List<FeedError> Errors, FeedReader Reader) Read(FeedOptions options, params string[] paths)
    {
        var errors = new List<FeedError>();
        var rows = TransactionFeedReader.Read(paths, options, errors.Add, out var reader);
        return (rows, errors, reader);
    }

    private static (List<Transaction> Rows, List<FeedError> Errors, FeedReader Reader) Read(params string[] paths) => Read(new FeedOptions(), paths);

    [Fact]
    public void Reads_every_standard_column_and_keeps_extra_ones()
    {
        var path = Write("a.csv", Header + ",branch\n" +
            "t1,2025-03-01T19:04:11Z,alice,AU,bob,PH,person,45.50,USD,remittance,,school fees,Sydney\n" +
            "t2,2025-03-01T20:00:00.250Z,alice,AU,shop,AU,business,12,USD,card,5734,\"vpn, annual\",Sydney\n");
        var (rows, errors, reader) = Read(path);
        Assert.Empty(errors);
        Assert.Equal(2, rows.Count);
        var t = rows[0];
        Assert.Equal(("t1", "alice", "AU", "bob", "PH"), (t.Id, t.Sender, t.SenderCountry, t.Receiver, t.ReceiverCountry));
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 19, 4, 11, TimeSpan.Zero), t.Timestamp);
        Assert.Equal((ReceiverType.Person, Channel.Remittance, 0, 45.50m, "school fees"), (t.ReceiverType, t.Channel, t.Mcc, t.Amount, t.Description));
        Assert.Equal("Sydney", t.Extra!["branch"]);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 20, 0, 0, 250, TimeSpan.Zero), rows[1].Timestamp);
        Assert.Equal((5734, "vpn, annual", Channel.Card), (rows[1].Mcc, rows[1].Description, rows[1].Channel));
        Assert.Equal("USD", reader.BaseCurrency);
    }

    [Fact]
    public void Timestamps_match_the_framework_parser_for_other_iso_forms()
    {
        string[] forms = ["2025-03-01T19:04:11+08:00", "2025-03-01 19:04:11Z", "2025-03-01T19:04:11", "2025-12-31T23:59:59.9999999Z", "2024-02-29T00:00:00Z"];
        foreach (var f in forms)
        {
            Assert.True(FieldParsers.TryParseTimestamp(f, out var ticks), f);
            var expected = DateTimeOffset.Parse(f, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal).UtcTicks;
            Assert.Equal(expected, ticks);
        }
        foreach (var bad in new[] { "", "2025-02-30T00:00:00Z", "2025-13-01T00:00:00Z", "yesterday", "2025-03-01T25:00:00Z" })
            Assert.False(FieldParsers.TryParseTimestamp(bad, out _), bad);
    }

    [Fact]
    public void Bad_rows_are_named_by_file_and_line_and_the_rest_are_read()
    {
        var path = Write("bad.csv", Header + "\n" +
            "t1,2025-03-01T19:04:11Z,alice,AU,bob,PH,person,45,USD,remittance,,gift\n" +      // 2 good
            "t2,not a time,alice,AU,bob,PH,person,45,USD,remittance,,gift\n" +               // 3 timestamp
            "t3,2025-03-01T19:05:00Z,alice,AU,bob,PH,person,-5,USD,remittance,,gift\n" +     // 4 negative
            "t4,2025-03-01T19:06:00Z,alice,AU,bob,PH,person,1e12,USD,remittance,,gift\n" +   // 5 absurd
            "t5,2025-03-01T19:07:00Z,alice,AU,bob,PH,person,45,EUR,remittance,,gift\n" +     // 6 second currency, no rates
            "t6,2025-03-01T19:08:00Z,alice,AUS,bob,PH,person,45,USD,remittance,,gift\n" +    // 7 country
            "t7,2025-03-01T19:09:00Z,alice,AU,bob,PH,person,45,USD\n" +                      // 8 too few fields
            ",2025-03-01T19:10:00Z,alice,AU,bob,PH,person,45,USD,remittance,,gift\n" +       // 9 no id
            "t9,2025-03-01T19:11:00Z,alice,AU,bob,PH,person,abc,USD,remittance,,gift\n" +    // 10 amount
            "t10,2025-03-01T19:12:00Z,alice,AU,bob,PH,person,45,USD,remittance,99999,gift\n" + // 11 mcc
            "t11,2025-03-01T19:13:00Z,alice,AU,bob,PH,person,45,USD,remittance,,gift\n");    // 12 good
        var (rows, errors, reader) = Read(path);
        Assert.Equal(["t1", "t11"], rows.Select(r => r.Id));
        Assert.Equal(9, reader.FailedRows);
        Assert.Equal([3, 4, 5, 6, 7, 8, 9, 10, 11], errors.Select(e => e.Line));
        Assert.All(errors, e => Assert.Equal(path, e.File));
        Assert.Contains(errors, e => e.Line == 3 && e.Message.Contains("timestamp"));
        Assert.Contains(errors, e => e.Line == 4 && e.Message.Contains("negative"));
        Assert.Contains(errors, e => e.Line == 5 && e.Message.Contains("absurd"));
        Assert.Contains(errors, e => e.Line == 6 && e.Message.Contains("EUR") && e.Message.Contains("--rates"));
        Assert.Contains(errors, e => e.Line == 7 && e.Message.Contains("sender_country"));
        Assert.Contains(errors, e => e.Line == 8 && e.Message.Contains("fields"));
        Assert.Contains(errors, e => e.Line == 9 && e.Message.Contains("id is empty"));
        Assert.Contains(errors, e => e.Line == 10 && e.Message.Contains("amount"));
        Assert.Contains(errors, e => e.Line == 11 && e.Message.Contains("mcc"));
        Assert.StartsWith($"{path}:3: ", errors.First(e => e.Line == 3).ToString());
    }

    [Fact]
    public void Rates_convert_and_an_unknown_currency_is_a_row_error()
    {
        var rates = Write("rates.csv", "currency,rate_to_base\nUSD,1\nEUR,1.10\nGBP,1.25\n");
        var path = Write("fx.csv", Header + "\n" +
            "t1,2025-03-01T19:04:11Z,alice,DE,bob,PH,person,40,EUR,remittance,,gift\n" +
            "t2,2025-03-01T19:05:11Z,alice,DE,bob,PH,person,40,XYZ,remittance,,gift\n" +
            "t3,2025-03-01T19:06:11Z,carol,GB,bob,PH,person,40,gbp,remittance,,gift\n");
        var (rows, errors, _) = Read(new FeedOptions { Rates = CurrencyRates.Load(rates) }, path);
        Assert.Equal([44m, 50m], rows.Select(r => Math.Round(r.AmountInBase, 6)));
        Assert.Single(errors);
        Assert.Contains("XYZ", errors[0].Message);
        Assert.Equal(3, errors[0].Line);
    }

    [Fact]
    public void Mapped_column_names_and_json_lines_give_the_same_rows()
    {
        var csv = Write("mapped.csv", "txn,when,from,from_cc,to,to_cc,kind,value,ccy,via,mcc,memo\n" +
            "t1,2025-03-01T19:04:11Z,alice,AU,bob,PH,person,45.5,USD,remittance,,school fees\n");
        var jsonl = Write("same.jsonl", "{\"txn\":\"t1\",\"when\":\"2025-03-01T19:04:11Z\",\"from\":\"alice\",\"from_cc\":\"AU\",\"to\":\"bob\",\"to_cc\":\"PH\",\"kind\":\"person\",\"value\":45.5,\"ccy\":\"USD\",\"via\":\"remittance\",\"mcc\":null,\"memo\":\"school fees\"}\n");
        var options = new FeedOptions { Columns = ColumnMapping.Parse(["id=txn,timestamp=when,sender=from,sender_country=from_cc", "receiver=to,receiver_country=to_cc,receiver_type=kind,amount=value,currency=ccy,channel=via,description=memo"]) };
        var a = Read(options, csv);
        var b = Read(options, jsonl);
        Assert.Empty(a.Errors);
        Assert.Empty(b.Errors);
        Assert.Equal(a.Rows.Single() with { Extra = null }, b.Rows.Single() with { Extra = null });
        Assert.Throws<FormatException>(() => ColumnMapping.Parse(["nonsense=x"]));
    }

    [Fact]
    public void A_missing_column_fails_the_file_and_the_next_file_is_read()
    {
        var bad = Write("nocol.csv", "id,timestamp,sender\nt1,2025-03-01T19:04:11Z,alice\n");
        var good = Write("good.csv", Header + "\nt2,2025-03-02T19:04:11Z,alice,AU,bob,PH,person,45,USD,remittance,,gift\n");
        var (rows, errors, reader) = Read(bad, Path.Combine(_dir, "absent.csv"), good);
        Assert.Equal(["t2"], rows.Select(r => r.Id));
        Assert.Equal(2, reader.FailedFiles);
        Assert.Contains(errors, e => e.File == bad && e.Message.Contains("receiver"));
        Assert.Contains(errors, e => e.File.EndsWith("absent.csv", StringComparison.Ordinal));
    }

    [Fact]
    public void A_ten_megabyte_field_is_skipped_without_holding_it()
    {
        var text = Header + "\n" +
            "t1,2025-03-01T19:04:11Z,alice,AU,bob,PH,person,45,USD,remittance,,\"" + new string('x', 10 << 20) + "\"\n" +
            "t2,2025-03-01T19:05:11Z,alice,AU,bob,PH,person,45,USD,remittance,,gift\n";
        var path = Write("huge.csv", text);
        var (rows, errors, _) = Read(path);
        Assert.Equal(["t2"], rows.Select(r => r.Id));
        Assert.Contains(errors, e => e.Line == 2 && e.Message.Contains("longer than"));
    }

    [Fact]
    public void Invalid_utf8_is_replaced_and_reported_and_the_row_kept()
    {
        var bytes = Encoding.UTF8.GetBytes(Header + "\nt1,2025-03-01T19:04:11Z,alice,AU,bob,PH,person,45,USD,remittance,,gi").Concat(new byte[] { 0xC3, 0x28, 0xFF }).Concat(Encoding.UTF8.GetBytes("ft\n")).ToArray();
        var (rows, errors, reader) = Read(Write("utf8.csv", bytes));
        Assert.Single(rows);
        Assert.Contains('\uFFFD', rows[0].Description);
        Assert.Equal(1, reader.InvalidUtf8Rows);
        Assert.Contains(errors, e => e.Line == 2 && e.Message.Contains("UTF-8"));
        Assert.Equal(0, reader.FailedRows);
    }

    [Fact]
    public void A_truncated_last_row_is_an_error_and_earlier_rows_are_kept()
    {
        var path = Write("cut.csv", Header + "\nt1,2025-03-01T19:04:11Z,alice,AU,bob,PH,person,45,USD,remittance,,gift\nt2,2025-03-01T19:05:11Z,alice,AU,bo");
        var (rows, errors, reader) = Read(path);
        Assert.Equal(["t1"], rows.Select(r => r.Id));
        Assert.Equal(1, reader.FailedRows);
        Assert.Contains(errors, e => e.Line == 3);
    }

    [Fact]
    public void Out_of_order_rows_and_files_are_reported_and_kept()
    {
        var first = Write("1.csv", Header + "\nt1,2025-03-02T00:00:00Z,a,AU,b,PH,person,45,USD,remittance,,\nt2,2025-03-01T00:00:00Z,a,AU,b,PH,person,45,USD,remittance,,\n");
        var second = Write("2.csv", Header + "\nt3,2025-01-01T00:00:00Z,a,AU,b,PH,person,45,USD,remittance,,\n");
        var (rows, errors, reader) = Read(first, second);
        Assert.Equal(3, rows.Count);
        Assert.Equal(2, reader.OutOfOrderRows);
        Assert.Contains(errors, e => e.File == first && e.Line == 3 && e.Message.Contains("before the row above"));
        Assert.Contains(errors, e => e.File == second && e.Line == 0 && e.Message.Contains("time order"));
        Assert.Equal(0, reader.FailedRows);
    }

    [Fact]
    public void Empty_and_hostile_files_fail_cleanly()
    {
        var empty = Write("empty.csv", "");
        var binary = Write("noise.csv", [.. Enumerable.Range(0, 50_000).Select(i => (byte)(i * 7919 % 251))]);
        var badJson = Write("bad.jsonl", "{\"id\":\"t1\"\n[1,2]\n{\"id\":{\"nested\":1}}\n\"just a string\"\n");
        var (rows, errors, reader) = Read(empty, binary, badJson);
        Assert.Empty(rows);
        Assert.Contains(errors, e => e.File == empty && e.Message.Contains("empty"));
        Assert.Contains(errors, e => e.File == binary);
        Assert.Contains(errors, e => e.File == badJson && e.Line == 1 && e.Message.Contains("JSON"));
        Assert.Contains(errors, e => e.File == badJson && e.Line == 3 && e.Message.Contains("plain value"));
        Assert.True(reader.FailedFiles + reader.FailedRows >= 5);
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Safeguard.Csv;
using Safeguard.Payments.Feed;
using Safeguard.Payments.Synthetic;

namespace Safeguard.Payments.Tests.Synthetic;

/// <summary>A feed parsed independently of the generator, with its truth.</summary>
public sealed class ParsedFeed
{
    public sealed record Row(string Id, DateTime Time, string Sender, string SenderCountry, string Receiver, string ReceiverCountry,
        string ReceiverType, decimal Amount, string Currency, string Channel, string Mcc, string Description, string AmountText);

    public List<Row> Rows { get; } = [];
    public string[] Header { get; private set; } = [];
    public FeedSettings Settings { get; }
    public IReadOnlyList<TruthAccount> Truth { get; }
    public byte[] Bytes { get; }

    public ParsedFeed(FeedSettings settings)
    {
        var g = new FeedGenerator(settings);
        Settings = g.Settings;
        Truth = g.Truth;
        using var ms = new MemoryStream();
        g.Write(ms);
        Bytes = ms.ToArray();
        var reader = new CsvRecordReader(new StringReader(Encoding.UTF8.GetString(Bytes)), 10_000);
        var fields = new List<string>();
        Assert.True(reader.TryRead(fields, out _));
        Header = [.. fields];
        while (reader.TryRead(fields, out var error))
        {
            Assert.Null(error);
            Assert.Equal(12, fields.Count);
            Rows.Add(new Row(fields[0],
                DateTime.ParseExact(fields[1], "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
                fields[2], fields[3], fields[4], fields[5], fields[6], decimal.Parse(fields[7], CultureInfo.InvariantCulture), fields[8],
                fields[9], fields[10], CsvField.Unguard(fields[11]), fields[7]));
        }
    }

    public HashSet<string> Accounts(string group, string? role = null) =>
        Truth.Where(t => t.Group == group && (role is null || t.Role == role)).Select(t => t.Account).ToHashSet(StringComparer.Ordinal);
}

public sealed class TunedFeedFixture
{
    public ParsedFeed Feed { get; } = new(FeedSettings.Tuned(7) with { Ordinary = 40 });
}

public class FeedGeneratorTests(TunedFeedFixture fixture) : IClassFixture<TunedFeedFixture>
{
    private ParsedFeed F => fixture.Feed;

    private static byte[] Generate(FeedSettings s, FeedFormat format = FeedFormat.Csv)
    {
        using var ms = new MemoryStream();
        new FeedGenerator(s).Write(ms, format);
        return ms.ToArray();
    }

    private static FeedSettings Small(int seed) => FeedSettings.Tuned(seed) with { Days = 60, Ordinary = 20, DonorsPerCharity = 5, Tourists = 5 };

    [Fact]
    public void Same_seed_gives_identical_bytes_and_another_seed_does_not()
    {
        var a = Generate(Small(3));
        var b = Generate(Small(3));
        Assert.Equal(a, b);
        Assert.NotEqual(a, Generate(Small(4)));
        // One generator written twice gives the same feed too.
        var g = new FeedGenerator(Small(3));
        using var m1 = new MemoryStream();
        using var m2 = new MemoryStream();
        g.Write(m1);
        g.Write(m2);
        Assert.Equal(a, m1.ToArray());
        Assert.Equal(a, m2.ToArray());
    }

    [Fact]
    public void Header_time_order_ids_and_amount_format()
    {
        Assert.Equal(["id", "timestamp", "sender", "sender_country", "receiver", "receiver_country", "receiver_type", "amount", "currency", "channel", "mcc", "description"], F.Header);
        Assert.True(F.Rows.Count > 50_000, $"{F.Rows.Count} rows");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var previous = DateTime.MinValue;
        var start = F.Settings.Start.ToDateTime(TimeOnly.MinValue);
        var end = start.AddDays(F.Settings.Days);
        foreach (var r in F.Rows)
        {
            Assert.True(ids.Add(r.Id), $"duplicate id {r.Id}");
            Assert.True(r.Time >= previous, $"{r.Id} at {r.Time:O} is before {previous:O}");
            Assert.InRange(r.Time, start, end);
            previous = r.Time;
            Assert.Matches(@"^\d+\.\d\d$", r.AmountText);
            Assert.True(r.Amount > 0);
            Assert.True(r.ReceiverType is "person" or "business", r.ReceiverType);
            Assert.NotEqual(Channel.Other, FeedNames.ChannelOf(r.Channel));
            Assert.NotEqual(r.Sender, r.Receiver);
        }
        Assert.Equal("t0000000001", F.Rows[0].Id);
        Assert.All(F.Rows, r => Assert.Equal("USD", r.Currency));
    }

    [Fact]
    public void Every_group_is_in_the_truth_and_its_accounts_transact()
    {
        var groups = F.Truth.Select(t => t.Group).ToHashSet();
        foreach (var g in FeedGroups.HardNegatives.Append(FeedGroups.Purchaser).Append(FeedGroups.Facilitator))
            Assert.Contains(g, groups);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in F.Rows) { seen.Add(r.Sender); seen.Add(r.Receiver); }
        var silent = F.Truth.Where(t => !seen.Contains(t.Account)).ToList();
        Assert.True(silent.Count == 0, "accounts that never transact: " + string.Join(", ", silent.Take(10)));
        Assert.Equal(F.Settings.Purchasers, F.Accounts(FeedGroups.Purchaser, FeedRoles.Purchaser).Count);
        Assert.Equal(F.Settings.Facilitators, F.Accounts(FeedGroups.Facilitator, FeedRoles.Facilitator).Count);
        Assert.Equal(Math.Round(F.Settings.Purchasers * F.Settings.HardPurchaserShare), F.Truth.Count(t => t.Hard));
        Assert.All(F.Truth.Where(t => FeedGroups.HardNegatives.Contains(t.Group)), t => Assert.Equal(FeedRoles.None, t.Role));
    }

    [Fact]
    public void Planted_payments_are_small_to_private_persons_in_high_risk_countries()
    {
        var purchasers = F.Accounts(FeedGroups.Purchaser);
        var facilitators = F.Accounts(FeedGroups.Facilitator);
        var highRisk = F.Settings.FacilitatorCountries.Select(c => c.Country).ToHashSet();
        var rich = F.Settings.SenderCountries.Select(c => c.Country).ToHashSet();
        var payments = F.Rows.Where(r => facilitators.Contains(r.Receiver)).ToList();
        Assert.True(payments.Count > 1000, $"{payments.Count} payments to facilitators");
        Assert.All(payments, r =>
        {
            Assert.Contains(r.Sender, purchasers);
            Assert.Contains(r.ReceiverCountry, highRisk);
            Assert.Contains(r.SenderCountry, rich);
            Assert.Equal("person", r.ReceiverType);
            Assert.True(r.Amount < 500, $"{r.Id}: {r.Amount}");
            Assert.True(r.Channel is "remittance" or "e_wallet" or "bank_transfer" or "crypto_exchange", r.Channel);
        });
        int inRange = payments.Count(r => r.Amount >= F.Settings.PurchaseMin && r.Amount <= F.Settings.PurchaseMax);
        Assert.True(inRange >= payments.Count * 0.9, $"{inRange} of {payments.Count} in range");
        // Network shape: every facilitator has two or more purchasers, some many; hard purchasers pay one.
        var sendersOf = payments.GroupBy(r => r.Receiver).ToDictionary(x => x.Key, x => x.Select(r => r.Sender).Distinct().Count());
        Assert.Equal(facilitators.Count, sendersOf.Count);
        Assert.All(sendersOf.Values, n => Assert.InRange(n, 2, 40));
        Assert.Contains(sendersOf.Values, n => n >= 4);
        Assert.Contains(sendersOf.Values, n => n == 2);
        foreach (var hard in F.Truth.Where(t => t.Hard))
            Assert.Single(payments.Where(r => r.Sender == hard.Account).Select(r => r.Receiver).Distinct());
        Assert.Contains(payments, r => r.Channel == "crypto_exchange");
        // Descriptions: innocent words, some blank.
        Assert.Contains(payments, r => r.Description == "school fees");
        Assert.Contains(payments, r => r.Description.Length == 0);
    }

    [Fact]
    public void Planted_purchasers_pay_in_the_local_evening_buy_software_and_travel()
    {
        var facilitators = F.Accounts(FeedGroups.Facilitator);
        var easy = F.Truth.Where(t => t.Group == FeedGroups.Purchaser && !t.Hard).Select(t => t.Account).ToHashSet();
        var hard = F.Truth.Where(t => t.Hard).Select(t => t.Account).ToHashSet();
        var offsets = new Dictionary<string, int> { ["AU"] = 10, ["NZ"] = 12, ["US"] = -5, ["CA"] = -5, ["GB"] = 0, ["DE"] = 1, ["NL"] = 1, ["SE"] = 1, ["NO"] = 1 };
        static bool Evening(DateTime utc, int offset) { int h = (utc.Hour + offset + 24) % 24; return h >= 19 || h < 3; }
        var easyPay = F.Rows.Where(r => easy.Contains(r.Sender) && facilitators.Contains(r.Receiver) && r.Channel != "crypto_exchange").ToList();
        var hardPay = F.Rows.Where(r => hard.Contains(r.Sender) && facilitators.Contains(r.Receiver)).ToList();
        double easyEvening = easyPay.Count(r => Evening(r.Time, offsets[r.SenderCountry])) / (double)easyPay.Count;
        double hardEvening = hardPay.Count(r => Evening(r.Time, offsets[r.SenderCountry])) / (double)Math.Max(1, hardPay.Count);
        Assert.InRange(easyEvening, 0.75, 0.95);
        Assert.True(hardEvening < 0.05, $"hard purchasers in the evening: {hardEvening:P0}");
        var software = F.Rows.Where(r => r.Mcc is "5734" or "5817" or "5818").ToList();
        Assert.NotEmpty(software);
        Assert.All(software, r => Assert.Contains(r.Sender, easy));
        Assert.Contains(software, r => r.Description is "vpn annual" or "screen recorder pro" or "obs" or "private browser" or "vpn monthly");
        // Travel: some purchasers spend by card and withdraw cash in a facilitator's country.
        var facCountries = F.Rows.Where(r => facilitators.Contains(r.Receiver)).Select(r => (r.Sender, r.ReceiverCountry)).ToHashSet();
        var atmAbroad = F.Rows.Where(r => easy.Contains(r.Sender) && r.Channel == "atm" && facCountries.Contains((r.Sender, r.ReceiverCountry))).Select(r => r.Sender).Distinct().Count();
        Assert.True(atmAbroad >= 3, $"{atmAbroad} purchasers withdrew cash in a facilitator's country");
    }

    [Fact]
    public void Escalation_is_visible_in_rate_and_amount()
    {
        var easy = F.Truth.Where(t => t.Group == FeedGroups.Purchaser && !t.Hard).Select(t => t.Account).ToHashSet();
        var facilitators = F.Accounts(FeedGroups.Facilitator);
        var start = F.Settings.Start.ToDateTime(TimeOnly.MinValue);
        int quarter = F.Settings.Days / 4;
        var pay = F.Rows.Where(r => easy.Contains(r.Sender) && facilitators.Contains(r.Receiver)).ToList();
        var first = pay.Where(r => (r.Time - start).TotalDays < quarter).ToList();
        var last = pay.Where(r => (r.Time - start).TotalDays >= F.Settings.Days - quarter).ToList();
        Assert.True(last.Count > 2.5 * first.Count, $"payments first quarter {first.Count}, last quarter {last.Count}");
        decimal Mean(List<ParsedFeed.Row> rows) => rows.Where(r => r.Amount <= F.Settings.PurchaseMax).Average(r => r.Amount);
        Assert.True(Mean(last) > Mean(first) * 1.15m, $"mean amount {Mean(first):F2} -> {Mean(last):F2}");
        // Per purchaser too: most pay more often at the end than at their start.
        int rising = 0, counted = 0;
        foreach (var p in pay.GroupBy(r => r.Sender))
        {
            var times = p.Select(r => r.Time).ToList();
            if (times.Count < 20) continue;
            counted++;
            var mid = times[0] + (times[^1] - times[0]) / 2;
            if (times.Count(t => t >= mid) > times.Count(t => t < mid)) rising++;
        }
        Assert.True(counted > 10 && rising >= counted * 0.8, $"{rising} of {counted} purchasers escalate");
    }

    [Fact]
    public void Hard_negatives_have_their_defining_shape()
    {
        var family = CountriesOf(F.Settings.FamilyCountries);
        // Siblings: each parent receives monthly from three or more senders in rich countries.
        var siblings = F.Truth.Where(t => t.Group == FeedGroups.Siblings).Select(t => t.Account).ToHashSet();
        var parents = F.Rows.Where(r => siblings.Contains(r.Receiver) && siblings.Contains(r.Sender) && r.SenderCountry != r.ReceiverCountry).GroupBy(r => r.Receiver).ToList();
        Assert.Equal(F.Settings.SiblingFamilies, parents.Count);
        Assert.All(parents, p => Assert.InRange(p.Select(r => r.Sender).Distinct().Count(), 3, 5));

        // Family remittances: at most one payment a month per relative, 200-1500, to family countries.
        var fam = F.Accounts(FeedGroups.FamilyRemittance);
        var remits = F.Rows.Where(r => fam.Contains(r.Sender) && fam.Contains(r.Receiver) && r.SenderCountry != r.ReceiverCountry).ToList();
        Assert.NotEmpty(remits);
        Assert.All(remits, r =>
        {
            Assert.InRange(r.Amount, F.Settings.FamilyRemittanceMin, F.Settings.FamilyRemittanceMax);
            Assert.Contains(r.ReceiverCountry, family);
        });
        foreach (var pair in remits.GroupBy(r => (r.Sender, r.Receiver)))
        {
            Assert.All(pair.GroupBy(r => (r.Time.Year, r.Time.Month)), m => Assert.Single(m));
            Assert.True(pair.Count() >= 9, $"{pair.Key}: {pair.Count()} payments in a year");
        }
        Assert.InRange(remits.Select(r => r.Sender).Distinct().Count(), F.Settings.FamilyRemitters * 9 / 10, F.Settings.FamilyRemitters);
        Assert.Contains(remits, r => r.Description == "school fees");

        // Weekly top-ups: one relative, one weekday, 20-60.
        var top = F.Accounts(FeedGroups.WeeklyTopUp);
        foreach (var s in F.Rows.Where(r => top.Contains(r.Sender) && top.Contains(r.Receiver) && r.SenderCountry != r.ReceiverCountry).GroupBy(r => r.Sender))
        {
            Assert.Single(s.Select(r => r.Receiver).Distinct());
            Assert.Single(s.Select(r => r.Time.DayOfWeek).Distinct());
            Assert.All(s, r => Assert.InRange(r.Amount, F.Settings.TopUpMin, F.Settings.TopUpMax));
            Assert.InRange(s.Count(), 35, 53);
        }

        // Partner abroad: one receiver, frequent.
        var partners = F.Accounts(FeedGroups.PartnerAbroad);
        var byPartner = F.Rows.Where(r => partners.Contains(r.Sender) && partners.Contains(r.Receiver) && r.SenderCountry != r.ReceiverCountry).GroupBy(r => r.Sender).ToList();
        Assert.Equal(F.Settings.PartnersAbroad, byPartner.Count);
        Assert.All(byPartner, s => Assert.Single(s.Select(r => r.Receiver).Distinct()));
        Assert.True(byPartner.Average(s => s.Count()) > 50);

        // Charity: a business abroad receiving from many donors.
        var charity = F.Accounts(FeedGroups.Charity);
        var charities = F.Rows.Where(r => charity.Contains(r.Receiver) && r.ReceiverType == "business").GroupBy(r => r.Receiver).ToList();
        Assert.Equal(F.Settings.Charities, charities.Count);
        Assert.All(charities, c => Assert.Equal(F.Settings.DonorsPerCharity, c.Select(r => r.Sender).Distinct().Count()));

        // Business: sellers abroad receive from many unrelated customers.
        var business = F.Accounts(FeedGroups.Business);
        var sellers = F.Rows.Where(r => business.Contains(r.Receiver) && family.Contains(r.ReceiverCountry)).GroupBy(r => r.Receiver).ToList();
        Assert.NotEmpty(sellers);
        Assert.True(sellers.Max(s => s.Select(r => r.Sender).Distinct().Count()) >= 5);

        // Tourists: card spending in PH/TH/Latin America within one trip of 7-21 days.
        var tourists = F.Accounts(FeedGroups.Tourist);
        var trips = F.Rows.Where(r => tourists.Contains(r.Sender) && r.Channel == "card" && r.ReceiverCountry != r.SenderCountry).GroupBy(r => r.Sender).ToList();
        Assert.True(trips.Count >= F.Settings.Tourists * 9 / 10);
        Assert.All(trips, t => Assert.InRange((t.Max(r => r.Time) - t.Min(r => r.Time)).TotalDays, 1, 21));

        // Remittance travellers: monthly remittances and card or ATM use in the same country.
        var rt = F.Accounts(FeedGroups.RemittanceTraveller);
        int both = 0;
        foreach (var s in F.Rows.Where(r => rt.Contains(r.Sender)).GroupBy(r => r.Sender))
        {
            var sent = s.Where(r => rt.Contains(r.Receiver) && r.SenderCountry != r.ReceiverCountry).Select(r => r.ReceiverCountry).ToHashSet();
            if (sent.Count == 1 && s.Any(r => r.Channel is "card" or "atm" && sent.Contains(r.ReceiverCountry))) both++;
        }
        Assert.Equal(F.Settings.RemittanceTravellers, both);
    }

    private static HashSet<string> CountriesOf(IReadOnlyList<WeightedCountry> list) => list.Select(c => c.Country).ToHashSet();

    [Fact]
    public void Json_lines_carry_the_same_transactions()
    {
        var s = Small(5);
        var csv = new ParsedFeed(s);
        var lines = Encoding.UTF8.GetString(Generate(s, FeedFormat.JsonLines)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(csv.Rows.Count, lines.Length);
        for (int i = 0; i < lines.Length; i += 97)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            var o = doc.RootElement;
            Assert.Equal(FeedNames.Columns, o.EnumerateObject().Select(p => p.Name));
            var r = csv.Rows[i];
            Assert.Equal(r.Id, o.GetProperty("id").GetString());
            Assert.Equal(r.Time, o.GetProperty("timestamp").GetDateTime().ToUniversalTime());
            Assert.Equal(r.Sender, o.GetProperty("sender").GetString());
            Assert.Equal(r.Receiver, o.GetProperty("receiver").GetString());
            Assert.Equal(r.Amount, o.GetProperty("amount").GetDecimal());
            Assert.Equal(r.Channel, o.GetProperty("channel").GetString());
            Assert.Equal(r.Mcc, o.GetProperty("mcc").ValueKind == JsonValueKind.Null ? "" : o.GetProperty("mcc").GetInt32().ToString(CultureInfo.InvariantCulture));
            Assert.Equal(r.Description, o.GetProperty("description").GetString());
        }
    }

    [Fact]
    public void Other_currencies_convert_back_into_the_planted_range()
    {
        var s = FeedSettings.Tuned(9) with { Ordinary = 20, MultipleCurrencies = true };
        var feed = new ParsedFeed(s);
        var rates = new StringWriter();
        FeedCurrencies.WriteRates(rates);
        var table = rates.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => l.Split(',')).ToDictionary(p => p[0], p => decimal.Parse(p[1], CultureInfo.InvariantCulture));
        Assert.Equal(1m, table["USD"]);
        var currencies = feed.Rows.GroupBy(r => r.Currency).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(currencies["USD"] > feed.Rows.Count / 2);
        foreach (var c in new[] { "EUR", "GBP", "AUD" }) Assert.True(currencies.GetValueOrDefault(c) > 100, $"{c}: {currencies.GetValueOrDefault(c)}");
        var facilitators = feed.Accounts(FeedGroups.Facilitator);
        var foreign = feed.Rows.Where(r => facilitators.Contains(r.Receiver) && r.Currency != "USD").ToList();
        Assert.NotEmpty(foreign);
        Assert.All(foreign, r => Assert.True(r.Amount * table[r.Currency] < 500.1m));
        Assert.True(foreign.Count(r => r.Amount * table[r.Currency] is >= 19.9m and <= 80.1m) >= foreign.Count * 0.9);
    }

    [Fact]
    public void Unseen_preset_uses_other_ranges()
    {
        var s = FeedSettings.Unseen(11) with { Ordinary = 20 };
        Assert.NotEqual(FeedSettings.Tuned().PurchaseMax, s.PurchaseMax);
        var feed = new ParsedFeed(s);
        var facilitators = feed.Accounts(FeedGroups.Facilitator);
        var pay = feed.Rows.Where(r => facilitators.Contains(r.Receiver)).ToList();
        Assert.True(pay.Count(r => r.Amount is >= 15 and <= 120) >= pay.Count * 0.9);
        Assert.Contains(pay, r => r.Amount is > 80 and <= 120);
        Assert.Contains(pay, r => r.Amount < 20);
        Assert.Equal(22, facilitators.Count);
        var senders = pay.GroupBy(r => r.Receiver).Select(x => x.Select(r => r.Sender).Distinct().Count()).ToList();
        Assert.Equal(22, senders.Count);
        Assert.All(senders, n => Assert.InRange(n, 2, 40));
        Assert.Contains(senders, n => n == 2);
        Assert.Contains(pay, r => r.SenderCountry is "CH" or "IE");
    }

    [Fact]
    public void Target_size_is_about_reached()
    {
        var g = new FeedGenerator(FeedSettings.Tuned(1) with { TargetTransactions = 400_000 });
        var summary = g.Write(Stream.Null);
        Assert.InRange(summary.Transactions, 340_000, 460_000);
    }

    [Fact]
    public void Truth_file_round_trips()
    {
        var g = new FeedGenerator(Small(2));
        using var ms = new MemoryStream();
        g.WriteTruth(ms, 123);
        ms.Position = 0;
        using (var doc = JsonDocument.Parse(ms))
        {
            Assert.Equal(2, doc.RootElement.GetProperty("seed").GetInt32());
            Assert.Equal(60, doc.RootElement.GetProperty("settings").GetProperty("days").GetInt32());
        }
        ms.Position = 0;
        var truth = GroundTruth.Read(ms);
        Assert.Equal(2, truth.Seed);
        Assert.Equal(123, truth.Transactions);
        Assert.Equal(g.Truth, truth.Accounts);
        Assert.Equal(truth.Accounts.Count, truth.Accounts.Select(a => a.Account).Distinct().Count());
    }
}

/// <summary>Runs alone (no other test class at the same time), so the process heap is this generator's.</summary>
[CollectionDefinition(nameof(GeneratorMemoryTests), DisableParallelization = true)]
public sealed class GeneratorMemoryGroup;

[Collection(nameof(GeneratorMemoryTests))]
public class GeneratorMemoryTests
{
    [Fact]
    public void A_million_transactions_stream_in_bounded_memory()
    {
        var g = new FeedGenerator(FeedSettings.Tuned(1) with { TargetTransactions = 1_000_000 });
        GC.Collect();
        long baseline = GC.GetTotalMemory(true);
        long peak = 0;
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        // Live memory after a collection at each day's end: other tests' garbage does not count, held rows would.
        var summary = g.Write(Stream.Null, FeedFormat.Csv, (day, _) => { if (day % 30 == 0) peak = Math.Max(peak, GC.GetTotalMemory(true)); });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.True(summary.Transactions > 850_000, $"{summary.Transactions}");
        // Holding the transactions would take well over 100 MB (≈100 bytes of text each, more as objects).
        Assert.True(peak - baseline < 64L << 20, $"heap grew by {(peak - baseline) >> 20} MB");
        Assert.True(allocated / summary.Transactions < 16, $"{allocated / summary.Transactions} bytes allocated per transaction");
    }
}

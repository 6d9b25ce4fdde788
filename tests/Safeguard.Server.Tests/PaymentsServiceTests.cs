using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Safeguard.Conversations.Analysis;
using Safeguard.Payments.Analysis;
using Safeguard.Payments.Feed;
using Safeguard.Payments.Output;
using Safeguard.Payments.Synthetic;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests;

/// <summary>A generated feed, its header and rows as text, cut into batches.</summary>
internal sealed class GeneratedFeed
{
    public required FeedGenerator Generator { get; init; }
    public required string Header { get; init; }
    public required List<string> Rows { get; init; }

    public static GeneratedFeed Make(int seed = 11, int ordinary = 400)
    {
        var generator = new FeedGenerator(FeedSettings.Tuned(seed) with { Ordinary = ordinary });
        var text = new StringWriter();
        generator.Write(text, Safeguard.Payments.Feed.FeedFormat.Csv);
        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return new GeneratedFeed { Generator = generator, Header = lines[0], Rows = [.. lines.Skip(1)] };
    }

    public IEnumerable<string> Batches(int rows)
    {
        for (int i = 0; i < Rows.Count; i += rows)
            yield return Header + "\n" + string.Join("\n", Rows.Skip(i).Take(rows)) + "\n";
    }

    /// <summary>The second implementation: one analyser in this process fed every row, scored once at the end.</summary>
    public PaymentsAnalyzer Analyse()
    {
        var analyzer = new PaymentsAnalyzer();
        var reader = new FeedReader(new FeedOptions(), _ => { });
        var sink = new ObserveSink(analyzer);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(Header + "\n" + string.Join("\n", Rows) + "\n"));
        reader.ReadStream(stream, "feed", Safeguard.Payments.Feed.FeedFormat.Csv, ref sink);
        Assert.Equal(Rows.Count, reader.Rows);
        return analyzer;
    }

    /// <summary>(account, role, level) of every review item whole scoring at each batch boundary would queue.</summary>
    public HashSet<(string, string, string)> ExpectedReviewItems(int batchRows, RiskLevel reviewLevel)
    {
        var analyzer = new PaymentsAnalyzer();
        var reader = new FeedReader(new FeedOptions(), _ => { });
        var sink = new ObserveSink(analyzer);
        var queued = new Dictionary<(string, SubjectRole), RiskLevel>();
        var expected = new HashSet<(string, string, string)>();
        foreach (var batch in Batches(batchRows))
        {
            using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(batch)))
                reader.ReadStream(stream, "batch", Safeguard.Payments.Feed.FeedFormat.Csv, ref sink);
            foreach (var s in analyzer.Score())
                if (s.Level >= reviewLevel && s.Level > queued.GetValueOrDefault((s.Account, s.Role), RiskLevel.None))
                {
                    queued[(s.Account, s.Role)] = s.Level;
                    expected.Add((s.Account, Subject.RoleName(s.Role), Subject.LevelName(s.Level)));
                }
        }
        return expected;
    }

    private readonly struct ObserveSink(PaymentsAnalyzer analyzer) : ITransactionSink
    {
        public void Accept(in TransactionFields transaction, FeedReader reader) => analyzer.Observe(transaction);
    }
}

public sealed class PaymentsServiceTests
{
    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    [Fact]
    public async Task Batches_over_http_give_the_levels_of_one_analyser_fed_every_row_and_queue_the_planted_subjects_once()
    {
        var feed = GeneratedFeed.Make();
        await using var h = await StartAsync(TestDb.Sqlite(), o => o with { Demo = false });
        var matcher = await h.ClientAsync("matcher");
        var lastReported = new Dictionary<(string, string), string>();
        var itemIds = new List<long>();
        long accepted = 0;
        foreach (var batch in feed.Batches(2_000))
        {
            var r = await matcher.PostAsync("/v1/payments/transactions", Csv(batch));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var answer = await Json(r);
            Assert.Equal(0, answer.GetProperty("rows_failed").GetInt64());
            accepted += answer.GetProperty("rows_accepted").GetInt64();
            foreach (var c in answer.GetProperty("subjects").EnumerateArray())
            {
                var s = c.GetProperty("subject");
                var level = s.GetProperty("level").GetString()!;
                Assert.True(Subject.ParseLevel(level) >= RiskLevel.High, "only subjects at the review level are listed");
                Assert.NotEqual(c.GetProperty("level_before").GetString(), level);
                lastReported[(s.GetProperty("subject").GetString()!, s.GetProperty("role").GetString()!)] = level;
                if (c.GetProperty("review_item_id").ValueKind == JsonValueKind.Number) itemIds.Add(c.GetProperty("review_item_id").GetInt64());
            }
        }
        Assert.Equal(feed.Rows.Count, accepted);

        var reference = feed.Analyse().Score();
        var atReview = reference.Where(s => s.Level >= RiskLevel.High).ToList();
        Assert.NotEmpty(atReview);
        // Every subject the whole-feed analyser puts at the review level was last reported at that same level.
        foreach (var s in atReview)
            Assert.Equal(Subject.LevelName(s.Level), lastReported.GetValueOrDefault((s.Account, Subject.RoleName(s.Role))));

        // The service's view of each subject is the whole-feed analyser's, score and indicators included.
        foreach (var s in atReview.Take(15))
        {
            var view = await Json(await matcher.GetAsync("/v1/payments/subjects/" + Uri.EscapeDataString(s.Account)));
            var best = reference.Where(x => x.Account == s.Account).MaxBy(x => x.Score)!;
            Assert.Equal(SubjectJson.ToLine(best), view.GetProperty("subject").GetRawText());
        }

        // Review items: one per subject and level reached, each holding the subject and no media.
        var items = new List<Review.ReviewItem>();
        foreach (var id in itemIds) items.Add((await h.State.Review.GetAsync(id))!);
        Assert.All(items, i => { Assert.Equal("payments-subject", i.Kind); Assert.False(i.HasMedia); Assert.NotNull(i.PaymentsSubject); });
        Assert.Equal(items.Count, items.Select(i => (i.FileName, i.PaymentsSubject!.Value.GetProperty("subject").GetProperty("role").GetString(),
            i.PaymentsSubject!.Value.GetProperty("subject").GetProperty("level").GetString())).Distinct().Count());
        Assert.Equal(items.Count, await h.ReviewCountAsync());
        Assert.Equal(0L, (long)(await h.State.Db.ScalarAsync("SELECT COUNT(*) FROM review_media"))!);
        var queued = items.Select(i => i.FileName!).ToHashSet();

        var truth = feed.Generator.Truth;
        var planted = truth.Where(t => t.Role is FeedRoles.Purchaser or FeedRoles.Facilitator).Select(t => t.Account).ToHashSet();
        foreach (var s in atReview.Where(s => planted.Contains(s.Account))) Assert.Contains(s.Account, queued);
        Assert.True(atReview.Count(s => planted.Contains(s.Account)) >= planted.Count / 2, "most planted subjects reach the review level");
        // The queue is exactly what whole scoring at every batch boundary gives: an item each time a subject's
        // level rises to a new high at or above the review level (batch-by-batch replay in this process).
        var expectedItems = feed.ExpectedReviewItems(2_000, RiskLevel.High);
        var actualItems = items.Select(i => (i.FileName!, i.PaymentsSubject!.Value.GetProperty("subject").GetProperty("role").GetString()!,
            i.PaymentsSubject!.Value.GetProperty("subject").GetProperty("level").GetString()!)).ToHashSet();
        Assert.Equal(expectedItems.Order(), actualItems.Order());
        // Hard negatives the whole feed does not flag stay out of the queue, except where a batch boundary
        // flagged them on the way (the service cannot know the rows to come); they are few.
        var flaggedByReference = atReview.Select(x => x.Account).ToHashSet();
        var negatives = truth.Where(t => FeedGroups.HardNegatives.Contains(t.Group)).ToList();
        Assert.NotEmpty(negatives);
        var boundaryFlagged = expectedItems.Select(x => x.Item1).ToHashSet();
        foreach (var negative in negatives.Where(n => !boundaryFlagged.Contains(n.Account)))
            Assert.DoesNotContain(negative.Account, queued);
        Assert.True(negatives.Count(n => queued.Contains(n.Account)) <= 3, "hard negatives stay out of the queue: " +
            string.Join(", ", negatives.Where(n => queued.Contains(n.Account)).Select(n => $"{n.Account} {n.Group}{(flaggedByReference.Contains(n.Account) ? " (also at the end)" : "")}")));

        // Every creation is audited.
        var audit = await h.State.Audit.ListAsync(0, 100_000, "review.create");
        foreach (var id in itemIds) Assert.Contains(audit, e => e.Target == $"item:{id}" && e.Detail!.Contains("kind=payments-subject") && e.Detail.Contains("media=none"));
    }

    [Fact]
    public async Task The_subject_view_has_its_timeline_and_network_from_the_kept_state()
    {
        var feed = GeneratedFeed.Make(seed: 5, ordinary: 200);
        await using var h = await StartAsync(TestDb.Sqlite(), o => o with { Demo = false });
        var matcher = await h.ClientAsync("matcher");
        foreach (var batch in feed.Batches(5_000))
            Assert.Equal(HttpStatusCode.OK, (await matcher.PostAsync("/v1/payments/transactions", Csv(batch))).StatusCode);
        var analyzer = feed.Analyse();
        var purchaser = analyzer.Score().First(s => s.Role == SubjectRole.Purchaser && s.Level >= RiskLevel.High);
        var view = await Json(await matcher.GetAsync("/v1/payments/subjects/" + Uri.EscapeDataString(purchaser.Account)));

        // Timeline: one flow per recipient, with the link's own count, sum and kept ids.
        analyzer.Accounts.TryFind(purchaser.Account, out int id);
        var state = analyzer.Senders[id];
        var flows = view.GetProperty("timeline").GetProperty("flows").EnumerateArray().ToList();
        Assert.Equal(state.Recipients.Count, flows.Count);
        foreach (var link in state.Recipients)
        {
            var f = flows.Single(x => x.GetProperty("counterparty").GetString() == analyzer.Accounts.NameOf(link.Receiver));
            Assert.Equal("out", f.GetProperty("direction").GetString());
            Assert.Equal(link.Count, f.GetProperty("count").GetInt64());
            Assert.Equal(Math.Round(link.Sum, 2), f.GetProperty("amount").GetDouble(), 6);
            Assert.Equal(link.Ids.Ids(), f.GetProperty("transactions").EnumerateArray().Select(x => x.GetString()!));
        }
        var months = view.GetProperty("timeline").GetProperty("months").EnumerateArray().ToList();
        Assert.Equal(state.RiskyCount, months.Sum(m => m.GetProperty("count").GetInt64()));

        // Network: the subject at depth 0, its recipients at depth 1, the other senders to them at depth 2.
        var network = view.GetProperty("network");
        var nodes = network.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("id").GetString()!, n => n);
        Assert.Equal(0, nodes[purchaser.Account].GetProperty("depth").GetInt32());
        foreach (var link in state.Recipients) Assert.Equal(1, nodes[analyzer.Accounts.NameOf(link.Receiver)].GetProperty("depth").GetInt32());
        var expectedSecond = state.Recipients.Where(l => analyzer.Receivers.ContainsKey(l.Receiver))
            .SelectMany(l => analyzer.Receivers[l.Receiver].Senders).Where(s => s != id).Select(analyzer.Accounts.NameOf).ToHashSet();
        var second = nodes.Values.Where(n => n.GetProperty("depth").GetInt32() == 2).Select(n => n.GetProperty("id").GetString()!).ToHashSet();
        Assert.True(second.IsSubsetOf(expectedSecond));
        if (nodes.Count < Payments.SubjectView.MaxNodes) Assert.Equal(expectedSecond, second);
        // Node levels are the whole-feed analyser's best level for the account.
        var reference = analyzer.Score().GroupBy(s => s.Account).ToDictionary(g => g.Key, g => g.MaxBy(s => s.Score)!);
        foreach (var (name, node) in nodes)
            Assert.Equal(reference.TryGetValue(name, out var s) ? Subject.LevelName(s.Level) : "none", node.GetProperty("level").GetString());
        foreach (var e in network.GetProperty("edges").EnumerateArray())
        {
            Assert.Contains(e.GetProperty("from").GetString()!, nodes.Keys);
            Assert.Contains(e.GetProperty("to").GetString()!, nodes.Keys);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await matcher.GetAsync("/v1/payments/subjects/no-such-account")).StatusCode);
    }

    [Fact]
    public async Task Malformed_rows_are_reported_by_line_and_the_good_rows_kept()
    {
        await using var h = await StartAsync(TestDb.Sqlite(), o => o with { Demo = false });
        var matcher = await h.ClientAsync("matcher");
        var csv = """
            id,timestamp,sender,sender_country,receiver,receiver_country,receiver_type,amount,currency,channel,mcc,description
            t1,2025-01-01T10:00:00Z,a,AU,b,PH,person,50,USD,remittance,,gift
            t2,2025-01-01T11:00:00Z,a,AU,b,PH,person,lots,USD,remittance,,gift
            t3,2025-01-01T12:00:00Z,a,AU,b,PH,person,60,USD,remittance,,gift
            t4,not-a-time,a,AU,b,PH,person,60,USD,remittance,,gift
            t5,2025-01-02T12:00:00Z,a,AU,b,PH,person,70,USD,remittance,,gift
            t6,2025-01-02T13:00:00Z,a,AU,b,PH,person,-5,USD,remittance,,gift

            """;
        var answer = await Json(await matcher.PostAsync("/v1/payments/transactions", Csv(csv)));
        Assert.Equal(3, answer.GetProperty("rows_accepted").GetInt64());
        Assert.Equal(3, answer.GetProperty("rows_failed").GetInt64());
        var errors = answer.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Collection(errors,
            e => Assert.StartsWith("request:3: amount", e),
            e => Assert.StartsWith("request:5: timestamp", e),
            e => Assert.StartsWith("request:7: negative amount", e));

        // JSON lines, the same checks; a line that is not JSON is reported, the rest kept.
        var jsonl = "{\"id\":\"j1\",\"timestamp\":\"2025-01-03T10:00:00Z\",\"sender\":\"a\",\"sender_country\":\"AU\",\"receiver\":\"b\",\"receiver_country\":\"PH\",\"receiver_type\":\"person\",\"amount\":\"40\",\"currency\":\"USD\",\"channel\":\"remittance\"}\n" +
                    "{not json\n" +
                    "{\"id\":\"j3\",\"timestamp\":\"2025-01-03T11:00:00Z\",\"sender\":\"a\",\"sender_country\":\"AU\",\"receiver\":\"c\",\"receiver_country\":\"PH\",\"receiver_type\":\"person\",\"amount\":\"45\",\"currency\":\"USD\",\"channel\":\"remittance\"}\n";
        var j = await Json(await matcher.PostAsync("/v1/payments/transactions", new StringContent(jsonl, Encoding.UTF8, "application/x-ndjson")));
        Assert.Equal(2, j.GetProperty("rows_accepted").GetInt64());
        Assert.Equal(1, j.GetProperty("rows_failed").GetInt64());
        Assert.StartsWith("request:2:", j.GetProperty("errors")[0].GetString());
        Assert.Equal(5, j.GetProperty("observed_total").GetInt64());

        // The service kept the good rows: the sender now pays two recipients.
        var view = await matcher.GetAsync("/v1/payments/subjects/a");
        Assert.True(view.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound); // a few rows need not make a subject
        // A CSV body without the required columns is a file error, named.
        var bad = await Json(await matcher.PostAsync("/v1/payments/transactions", Csv("foo,bar\n1,2\n")));
        Assert.Equal(0, bad.GetProperty("rows_accepted").GetInt64());
        Assert.StartsWith("request: header has no 'id' column", bad.GetProperty("errors")[0].GetString());
    }

    [Fact]
    public async Task Wrong_type_no_key_wrong_role_oversize_and_empty_bodies_are_refused()
    {
        await using var h = await StartAsync(TestDb.Sqlite(), o => o with { Demo = false, MaxPaymentsBatchBytes = 4096 });
        var matcher = await h.ClientAsync("matcher");
        var reviewer = await h.ClientAsync("reviewer");
        var feed = GeneratedFeed.Make(seed: 3, ordinary: 50);
        var small = feed.Header + "\n" + string.Join("\n", feed.Rows.Take(5)) + "\n";
        var large = feed.Header + "\n" + string.Join("\n", feed.Rows.Take(200)) + "\n";

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await matcher.PostAsync("/v1/payments/transactions", new StringContent(small, Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await matcher.PostAsync("/v1/payments/transactions", new ByteArrayContent(Encoding.UTF8.GetBytes(small)))).StatusCode);
        using (var anon = NewClient(h.BaseUrl, null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anon.PostAsync("/v1/payments/transactions", Csv(small))).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anon.GetAsync("/v1/payments/subjects/x")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.PostAsync("/v1/payments/transactions", Csv(small))).StatusCode);

        // Over the cap, with a Content-Length and streamed without one: 413 problem details.
        var declared = await matcher.PostAsync("/v1/payments/transactions", Csv(large));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal("application/problem+json", declared.Content.Headers.ContentType?.MediaType);
        var chunked = new StreamContent(new NoLengthStream(Encoding.UTF8.GetBytes(large)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var streamed = await matcher.PostAsync("/v1/payments/transactions", chunked);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        Assert.Contains("4096", (await Json(streamed)).GetProperty("error").GetString());

        Assert.Equal(HttpStatusCode.BadRequest, (await matcher.PostAsync("/v1/payments/transactions", Csv(""))).StatusCode);
        var emptyStream = new StreamContent(new NoLengthStream([]));
        emptyStream.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        Assert.Equal(HttpStatusCode.BadRequest, (await matcher.PostAsync("/v1/payments/transactions", emptyStream)).StatusCode);
        // Within the cap all is well.
        var ok = await Json(await matcher.PostAsync("/v1/payments/transactions", Csv(small)));
        Assert.Equal(5, ok.GetProperty("rows_accepted").GetInt64());
    }

    /// <summary>A body of unknown length, so the client sends it chunked.</summary>
    private sealed class NoLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
    }
}

/// <summary>Scoring only what a batch touched gives the same subjects as scoring everything.</summary>
public sealed class PartialScoringTests
{
    [Fact]
    public void After_every_batch_the_affected_subjects_equal_a_full_score_and_every_changed_subject_is_among_them()
    {
        var feed = GeneratedFeed.Make(seed: 9, ordinary: 150);
        var analyzer = new PaymentsAnalyzer();
        var reader = new FeedReader(new FeedOptions(), _ => { });
        var before = new Dictionary<(string, SubjectRole), string>();
        int batches = 0;
        foreach (var batch in feed.Batches(1_500))
        {
            var senders = new HashSet<int>();
            var receivers = new HashSet<int>();
            var sink = new RecordingSink(analyzer, senders, receivers);
            using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(batch)))
                reader.ReadStream(stream, "batch", Safeguard.Payments.Feed.FeedFormat.Csv, ref sink);
            var full = analyzer.Score().ToDictionary(s => (s.Account, s.Role), s => SubjectJson.ToLine(s));
            var affected = new SubjectScorer(analyzer).ScoreAffected(senders, receivers);
            foreach (var s in affected) Assert.Equal(full[(s.Account, s.Role)], SubjectJson.ToLine(s));
            var affectedKeys = affected.Select(s => (s.Account, s.Role)).ToHashSet();
            // Anything whose JSON changed since the last batch was re-scored (or left the subjects).
            foreach (var (key, json) in full)
                if (!before.TryGetValue(key, out var old) || old != json) Assert.Contains(key, affectedKeys);
            before = full;
            batches++;
        }
        Assert.True(batches > 5);
        Assert.Contains(before.Keys, k => k.Item2 == SubjectRole.Facilitator);
    }

    /// <summary>The service's rule for what a row touched: a tracked sender, and the tracked receiver it pays.</summary>
    private readonly struct RecordingSink(PaymentsAnalyzer analyzer, HashSet<int> senders, HashSet<int> receivers) : ITransactionSink
    {
        public void Accept(in TransactionFields t, FeedReader reader)
        {
            analyzer.Observe(t);
            if (!analyzer.Accounts.TryFind(t.Sender, out int s) || !analyzer.Senders.ContainsKey(s)) return;
            senders.Add(s);
            if (analyzer.Accounts.TryFind(t.Receiver, out int r) && analyzer.Receivers.ContainsKey(r)) receivers.Add(r);
        }
    }
}

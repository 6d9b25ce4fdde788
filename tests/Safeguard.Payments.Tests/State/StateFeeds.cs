using Safeguard.Payments.Analysis;
using Safeguard.Payments.Feed;
using Safeguard.Payments.Output;
using Safeguard.Payments.State;
using Safeguard.Payments.Synthetic;

namespace Safeguard.Payments.Tests.State;

/// <summary>Generated feeds as rows, and ways to compare what analysers make of them.</summary>
public static class StateFeeds
{
    public static FeedSettings Small(int seed) => FeedSettings.Tuned(seed) with { Days = 150, Ordinary = 60, DonorsPerCharity = 10, Tourists = 8 };

    public static List<Transaction> Rows(FeedSettings settings)
    {
        var path = Path.Combine(Path.GetTempPath(), $"state-feed-{Guid.NewGuid():N}.csv");
        try
        {
            using (var f = File.Create(path)) new FeedGenerator(settings).Write(f);
            return TransactionFeedReader.Read([path], new FeedOptions(), e => throw new InvalidOperationException(e.ToString()));
        }
        finally { File.Delete(path); }
    }

    public static PaymentsAnalyzer Analyze(IEnumerable<Transaction> rows, PaymentsAnalyzer? into = null)
    {
        var a = into ?? new PaymentsAnalyzer();
        foreach (var t in rows) a.Observe(TransactionFields.From(t));
        return a;
    }

    public static void Feed(PaymentsWorker worker, IEnumerable<Transaction> rows)
    {
        foreach (var t in rows) worker.Observe(TransactionFields.From(t));
        worker.Flush();
    }

    /// <summary>Everything the scan writes about the subjects: subjects.jsonl lines and network.json.</summary>
    public static string Output(PaymentsAnalyzer a)
    {
        var subjects = a.Score();
        using var ms = new MemoryStream();
        NetworkJson.Write(ms, subjects);
        return string.Join("\n", subjects.Select(SubjectJson.ToLine)) + "\n" + System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>Same subjects, roles and levels, scores within 1e-9, same counterparties as sets.</summary>
    public static void AssertSameSubjects(PaymentsAnalyzer expected, PaymentsAnalyzer actual)
    {
        var e = expected.Score().OrderBy(s => s.Account, StringComparer.Ordinal).ThenBy(s => s.Role).ToList();
        var a = actual.Score().OrderBy(s => s.Account, StringComparer.Ordinal).ThenBy(s => s.Role).ToList();
        Assert.True(e.Count > 5, $"the feed should give subjects (got {e.Count})");
        Assert.Equal(e.Select(s => (s.Account, s.Role, s.Level)), a.Select(s => (s.Account, s.Role, s.Level)));
        for (int i = 0; i < e.Count; i++)
        {
            Assert.True(Math.Abs(e[i].Score - a[i].Score) <= 1e-9, $"{e[i].Account}: {e[i].Score} vs {a[i].Score}");
            Assert.Equal(e[i].Indicators.Select(h => h.Name).Order(), a[i].Indicators.Select(h => h.Name).Order());
            Assert.Equal(e[i].Counterparties.Order(StringComparer.Ordinal), a[i].Counterparties.Order(StringComparer.Ordinal));
        }
    }
}

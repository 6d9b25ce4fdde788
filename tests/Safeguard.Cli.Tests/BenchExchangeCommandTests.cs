using Safeguard.Storage.Sqlite;

namespace Safeguard.Cli.Tests;

public sealed class BenchExchangeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-bench-exchange-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<List<string>> ValuesAsync(string db)
    {
        await using var store = await SqliteBankStore.OpenAsync(db);
        var values = new List<string>();
        await foreach (var e in store.EnumerateEntriesAsync("bench")) values.Add(e.Value);
        values.Sort(StringComparer.Ordinal);
        return values;
    }

    [Fact]
    public async Task The_subscriber_ends_with_each_publisher_entry_once_after_a_gathered_and_merged_initial_load()
    {
        // Past --bulk-after the pages are gathered and merged at the end: both paths run.
        var r = SafeguardProcess.Run(["bench", "exchange", "--count", "3000", "--page-size", "250", "--bulk-after", "500", "--dir", _dir], timeoutMs: 300_000);
        Assert.True(r.Exit == 0, r.Err + r.Out);
        Assert.Contains("initial fetch of 3,000 entries in 12 pages of 250", r.Out);
        var published = await ValuesAsync(Path.Combine(_dir, "publisher.db"));
        Assert.Equal(3000, published.Distinct().Count());
        Assert.Equal(published, await ValuesAsync(Path.Combine(_dir, "subscriber.db")));
    }

    [Fact]
    public void A_negative_bulk_after_is_a_usage_error()
    {
        var r = SafeguardProcess.Run(["bench", "exchange", "--count", "10", "--bulk-after", "-1", "--dir", _dir]);
        Assert.Equal(2, r.Exit);
        Assert.Contains("--bulk-after", r.Err);
    }
}

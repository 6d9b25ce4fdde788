using Safeguard.Exchanges;
using static Safeguard.Exchanges.Tests.Items;

namespace Safeguard.Exchanges.Tests;

public sealed class FetcherTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static async Task<(Stores, ExchangeFetcher)> SetUpAsync(ExchangeType type, ExchangeLimits? limits = null, TimeProvider? clock = null,
        ExchangeSettings? settings = null, string typeName = "scripted")
    {
        var s = await Stores.SqliteAsync();
        await s.Exchanges.AddAsync(new ExchangeInfo { Name = "up", Type = typeName, Bank = "up-bank", Interval = TimeSpan.FromMinutes(15), Settings = settings ?? ExchangeSettings.Empty });
        var context = new ExchangeContext { Http = new HttpClient(), Limits = limits ?? new ExchangeLimits(), Clock = clock ?? TimeProvider.System };
        return (s, new ExchangeFetcher(s.Exchanges, context) { ResolveType = n => n == type.Name ? type : ExchangeTypes.Get(n) });
    }

    private static async Task<Dictionary<string, bool>> StateAsync(Stores s) =>
        (await s.EntriesAsync("up-bank")).ToDictionary(kv => kv.Key, kv => kv.Value.Disabled);

    [Fact]
    public async Task A_fetch_applies_every_page_and_records_success()
    {
        var (s, fetcher) = await SetUpAsync(ScriptedType.Standard());
        await using var _ = s;
        var progress = new List<FetchResult>();
        var result = await fetcher.FetchAsync("up", new SyncProgress(progress.Add));
        Assert.Null(result.Error);
        Assert.Equal((3, 7L, 1L, 2L), (result.Pages, result.Added, result.Updated, result.Withdrawn)); // 2 is added, withdrawn, enabled again
        Assert.Equal([1, 2, 3, 3], progress.Select(p => p.Pages));
        var state = await StateAsync(s);
        Assert.Equal(7, state.Count);
        Assert.Equal([Md5(3)], state.Where(kv => kv.Value).Select(kv => kv.Key));
        var status = (await s.Exchanges.GetStatusAsync("up"))!;
        Assert.Equal(("3", (string?)null, 0), (status.Checkpoint, status.Error, status.ConsecutiveFailures));
        Assert.True(status.NextFetch > status.LastSuccess!.Value.AddMinutes(14));
        // Nothing new upstream: the next fetch applies nothing.
        var again = await fetcher.FetchAsync("up");
        Assert.Equal((0, (string?)null), (again.Pages, again.Error));
    }

    [Fact]
    public async Task A_fetch_killed_at_any_position_resumes_from_the_last_applied_page_and_duplicates_nothing()
    {
        var reference = ScriptedType.Standard();
        var (rs, rf) = await SetUpAsync(reference);
        Dictionary<string, bool> expected;
        await using (rs)
        {
            await rf.FetchAsync("up");
            expected = await StateAsync(rs);
        }
        for (int failAt = 1; failAt <= reference.Positions; failAt++)
        {
            var script = ScriptedType.Standard();
            script.FailAt = failAt;
            var (s, fetcher) = await SetUpAsync(script);
            await using var _ = s;
            var failed = await fetcher.FetchAsync("up");
            Assert.True(failed.Error is not null, $"position {failAt}");
            Assert.Contains("upstream broke", failed.Error);
            var status = (await s.Exchanges.GetStatusAsync("up"))!;
            Assert.Equal(failed.Pages, status.Pages);
            Assert.Equal(failed.Pages == 0 ? null : failed.Pages.ToString(System.Globalization.CultureInfo.InvariantCulture), status.Checkpoint);

            script.FailAt = 0;
            var resumed = await fetcher.FetchAsync("up");
            Assert.Null(resumed.Error);
            Assert.Equal(3, failed.Pages + resumed.Pages);
            Assert.Equal(expected, await StateAsync(s));
            status = (await s.Exchanges.GetStatusAsync("up"))!;
            Assert.Equal((7L, 1L, 2L, 3L), (status.Added, status.Updated, status.Withdrawn, status.Pages));
        }
    }

    [Fact]
    public async Task A_fetch_cancelled_mid_page_stores_nothing_of_that_page()
    {
        var script = ScriptedType.Standard();
        using var cts = new CancellationTokenSource();
        script.Cancel = cts;
        script.CancelAt = 8; // the second item of the second page
        var (s, fetcher) = await SetUpAsync(script);
        await using var _ = s;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetcher.FetchAsync("up", ct: cts.Token));
        Assert.Equal("1", (await s.Exchanges.GetStatusAsync("up"))!.Checkpoint);
        Assert.Equal(4, (await StateAsync(s)).Count);
        script.CancelAt = 0;
        Assert.Null((await fetcher.FetchAsync("up")).Error);
        Assert.Equal(7, (await StateAsync(s)).Count);
        Assert.Equal(7, (await s.Exchanges.GetStatusAsync("up"))!.Added);
    }

    [Fact]
    public async Task An_upstream_that_repeats_its_page_ends_with_an_error_not_a_loop()
    {
        var (s, fetcher) = await SetUpAsync(new ForeverType());
        await using var _ = s;
        var result = await fetcher.FetchAsync("up").WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, result.Pages);
        Assert.Contains("does not move the checkpoint", result.Error);
        var status = (await s.Exchanges.GetStatusAsync("up"))!;
        Assert.Equal(("same", 1), (status.Checkpoint, status.ConsecutiveFailures));
        Assert.Contains("does not move the checkpoint", status.Error);
        // From the stored checkpoint, the very first page repeats it.
        Assert.Equal(0, (await fetcher.FetchAsync("up")).Pages);
    }

    [Fact]
    public async Task Failures_back_off_from_a_minute_doubling_to_six_hours_and_honour_retry_after()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), ExchangeFetcher.Backoff(1));
        Assert.Equal(TimeSpan.FromMinutes(2), ExchangeFetcher.Backoff(2));
        Assert.Equal(TimeSpan.FromMinutes(256), ExchangeFetcher.Backoff(9));
        Assert.Equal(TimeSpan.FromHours(6), ExchangeFetcher.Backoff(10));
        Assert.Equal(TimeSpan.FromHours(6), ExchangeFetcher.Backoff(1000));
        Assert.Equal(TimeSpan.FromHours(3), ExchangeFetcher.Backoff(1, TimeSpan.FromHours(3)));
        Assert.Equal(TimeSpan.FromMinutes(4), ExchangeFetcher.Backoff(3, TimeSpan.FromSeconds(10)));
        // An exchange followed every few seconds retries on its own scale, still doubling up to the cap.
        Assert.Equal(TimeSpan.FromSeconds(2), ExchangeFetcher.Backoff(1, interval: TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.FromSeconds(8), ExchangeFetcher.Backoff(3, interval: TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.FromSeconds(1), ExchangeFetcher.Backoff(1, interval: TimeSpan.FromMilliseconds(10)));
        Assert.Equal(TimeSpan.FromMinutes(1), ExchangeFetcher.Backoff(1, interval: TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromHours(6), ExchangeFetcher.Backoff(100, interval: TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.FromSeconds(30), ExchangeFetcher.Backoff(1, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2)));

        var clock = new ManualClock(T0);
        var script = ScriptedType.Standard();
        script.FailAt = 1;
        var (s, fetcher) = await SetUpAsync(script, clock: clock);
        await using var _ = s;
        foreach (var minutes in new[] { 1, 2, 4, 8 })
        {
            Assert.NotNull((await fetcher.FetchAsync("up")).Error);
            var status = (await s.Exchanges.GetStatusAsync("up"))!;
            Assert.Equal(T0.AddMinutes(minutes), status.NextFetch);
        }
        script.Failure = () => new ExchangeException("HTTP 429") { Transient = true, RetryAfter = TimeSpan.FromMinutes(45) };
        await fetcher.FetchAsync("up");
        Assert.Equal((T0.AddMinutes(45), 5), ((await s.Exchanges.GetStatusAsync("up"))!.NextFetch, (await s.Exchanges.GetStatusAsync("up"))!.ConsecutiveFailures));
        script.FailAt = 0;
        clock.Now = T0.AddHours(1);
        Assert.Null((await fetcher.FetchAsync("up")).Error);
        var ok = (await s.Exchanges.GetStatusAsync("up"))!;
        Assert.Equal((T0.AddHours(1).AddMinutes(15), 0, (string?)null), (ok.NextFetch, ok.ConsecutiveFailures, ok.Error));
    }

    [Fact]
    public async Task A_fetch_stops_at_the_page_limit_and_asks_to_continue_at_once()
    {
        var clock = new ManualClock(T0);
        var (s, fetcher) = await SetUpAsync(ScriptedType.Standard(), new ExchangeLimits { MaxPagesPerFetch = 2 }, clock);
        await using var _ = s;
        var first = await fetcher.FetchAsync("up");
        Assert.Equal((2, (string?)null), (first.Pages, first.Error));
        var status = (await s.Exchanges.GetStatusAsync("up"))!;
        Assert.Equal(("2", T0), (status.Checkpoint, status.NextFetch!.Value));
        Assert.Equal(1, (await fetcher.FetchAsync("up")).Pages);
        Assert.Equal(T0.AddMinutes(15), (await s.Exchanges.GetStatusAsync("up"))!.NextFetch);
    }

    [Fact]
    public async Task Pages_are_requested_no_faster_than_the_exchange_allows()
    {
        var settings = new ExchangeSettings([new(ExchangeFetcher.MinPageIntervalSetting, "150")]);
        var (s, fetcher) = await SetUpAsync(ScriptedType.Standard(), settings: settings);
        await using var _ = s;
        var result = await fetcher.FetchAsync("up");
        Assert.Null(result.Error);
        // Four requests (three pages and the end), three waits between them.
        Assert.True(result.Elapsed >= TimeSpan.FromMilliseconds(440), $"took {result.Elapsed}");
    }

    [Fact]
    public async Task Unknown_types_bad_settings_and_client_bugs_end_on_the_status()
    {
        var (s, fetcher) = await SetUpAsync(ScriptedType.Standard(), typeName: "nonesuch");
        await using var _ = s;
        Assert.Contains("unknown exchange type 'nonesuch'", (await fetcher.FetchAsync("up")).Error);
        Assert.Contains("nonesuch", (await s.Exchanges.GetStatusAsync("up"))!.Error);
        await Assert.ThrowsAsync<ExchangeException>(() => fetcher.FetchAsync("missing"));

        var script = ScriptedType.Standard();
        var (s2, f2) = await SetUpAsync(script, settings: new ExchangeSettings([new("bogus", "1")]));
        await using var __ = s2;
        Assert.Contains("unknown setting 'bogus'", (await f2.FetchAsync("up")).Error);
        await s2.Exchanges.UpdateAsync("up", settings: ExchangeSettings.Empty);
        script.FailAt = 3;
        script.Failure = () => new InvalidOperationException("bug");
        Assert.Equal("InvalidOperationException: bug", (await f2.FetchAsync("up")).Error);
    }

    private sealed class SyncProgress(Action<FetchResult> report) : IProgress<FetchResult>
    {
        public void Report(FetchResult value) => report(value);
    }

    /// <summary>An upstream that answers every request with the same page.</summary>
    private sealed class ForeverType : ExchangeType
    {
        public override string Name => "scripted";
        public override string Description => "the same page forever";
        public override IReadOnlyList<ExchangeSetting> Settings => [];
        public override IExchangeClient Create(ExchangeSettings settings, ExchangeContext context) => new Client();

        private sealed class Client : IExchangeClient
        {
            public async IAsyncEnumerable<ExchangePage> FetchAsync(string? checkpoint, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
            {
                while (true)
                {
                    await Task.Yield();
                    yield return Page("same", Add(1));
                }
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}

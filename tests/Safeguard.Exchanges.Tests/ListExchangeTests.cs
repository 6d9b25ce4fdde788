using Safeguard.Exchanges;
using Safeguard.Exchanges.Http;
using static Safeguard.Exchanges.Tests.Items;

namespace Safeguard.Exchanges.Tests;

/// <summary>The file and url exchange types, the url one against a real server on 127.0.0.1.</summary>
public sealed class ListExchangeTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sg-list-" + Guid.NewGuid().ToString("N"));
    private Stores _s = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _s = await Stores.SqliteAsync();
    }

    public async Task DisposeAsync()
    {
        await _s.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static string Lines(params int[] values) => string.Concat(values.Select(i => Md5(i) + "\n"));

    private async Task<ExchangeFetcher> AddAsync(string type, ExchangeLimits? limits = null, IReadOnlyList<string>? fileRoots = null,
        AddressPolicy? policy = null, params (string, string)[] settings)
    {
        var exSettings = new ExchangeSettings(settings.Select(kv => new KeyValuePair<string, string>(kv.Item1, kv.Item2)));
        Assert.Null(ExchangeTypes.Get(type).Validate(exSettings));
        await _s.Exchanges.AddAsync(new ExchangeInfo { Name = "list", Type = type, Bank = "list-bank", Settings = exSettings });
        return new ExchangeFetcher(_s.Exchanges, ExchangeHttp.CreateContext(policy ?? new AddressPolicy(["127.0.0.1/32"]), limits, fileRoots));
    }

    private async Task<Dictionary<string, Safeguard.Banks.BankEntry>> EntriesAsync() => await _s.EntriesAsync("list-bank");

    private async Task<string> StatusErrorAsync() => (await _s.Exchanges.GetStatusAsync("list"))!.Error ?? "(none)";

    [Fact]
    public async Task A_file_list_is_replaced_whole_when_it_changes_and_skipped_when_it_does_not()
    {
        var path = Path.Combine(_dir, "list.txt");
        await File.WriteAllTextAsync(path, "# ngo list\n" + Lines(1, 2, 3) + "not-a-hash\n");
        var fetcher = await AddAsync("file", settings: ("path", path));
        var first = await fetcher.FetchAsync("list");
        Assert.Equal((3L, (string?)null), (first.Added, first.Error));
        Assert.Equal(3, (await EntriesAsync()).Count);

        var same = await fetcher.FetchAsync("list");
        Assert.Equal((0L, 0L, (string?)null), (same.Added, same.Withdrawn, same.Error));
        // Rewritten with the same content: a new time, the same SHA-256, still unchanged.
        var checkpoint = (await _s.Exchanges.GetStatusAsync("list"))!.Checkpoint!;
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(5));
        Assert.Equal(0, (await fetcher.FetchAsync("list")).Added);
        var after = (await _s.Exchanges.GetStatusAsync("list"))!;
        Assert.NotEqual(checkpoint, after.Checkpoint);
        Assert.Contains(System.Text.Json.JsonDocument.Parse(checkpoint).RootElement.GetProperty("sha256").GetString()!, after.Checkpoint);
        Assert.Equal(1, after.Pages);

        await File.WriteAllTextAsync(path, Lines(1, 3, 4));
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(10));
        var changed = await fetcher.FetchAsync("list");
        Assert.Equal((1L, 1L), (changed.Added, changed.Withdrawn));
        var entries = await EntriesAsync();
        Assert.Equal(4, entries.Count); // kept
        Assert.True(entries[Md5(2)].Disabled);
        Assert.Contains("exchange:list", entries[Md5(2)].DisabledReason);
        Assert.All(entries.Values, e => Assert.Equal("exchange:list", e.SourceName));

        await File.WriteAllTextAsync(path, Lines(1, 2, 3, 4));
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(15));
        Assert.Equal(1, (await fetcher.FetchAsync("list")).Updated);
        Assert.All((await EntriesAsync()).Values, e => Assert.False(e.Disabled));
    }

    [Fact]
    public async Task Csv_and_vics_lists_are_read_by_format()
    {
        var csv = Path.Combine(_dir, "list.csv");
        await File.WriteAllTextAsync(csv, "signal_type,signal,content_id\nmd5," + Md5(1) + ",c-1\npdq," + new string('f', 64) + ",c-2\n");
        var fetcher = await AddAsync("file", settings: ("path", csv));
        Assert.Equal(2, (await fetcher.FetchAsync("list")).Added);
        Assert.Equal("c-1", (await EntriesAsync())[Md5(1)].ContentId);

        var vics = Path.Combine(_dir, "list.data");
        await File.WriteAllTextAsync(vics, "{\"value\":[{\"MD5\":\"" + Md5(7) + "\",\"Category\":1}]}");
        await _s.Exchanges.UpdateAsync("list", settings: new([new("path", vics), new("format", "vics")]));
        var r = await fetcher.FetchAsync("list");
        Assert.Null(r.Error);
        Assert.Equal((1L, 2L), (r.Added, r.Withdrawn));
        Assert.Equal(1, (await EntriesAsync())[Md5(7)].Category);
    }

    [Fact]
    public async Task Malformed_empty_and_oversized_lists_are_refused_naming_the_file_and_change_nothing()
    {
        var path = Path.Combine(_dir, "list.json");
        await File.WriteAllTextAsync(path, Lines(1, 2));
        var fetcher = await AddAsync("file", limits: new ExchangeLimits { MaxListBytes = 1000 }, settings: ("path", path));
        await File.WriteAllTextAsync(path, "{\"value\":[{\"MD5\":\"" + Md5(1) + "\"}"); // .json, so VICS; truncated
        var truncated = await fetcher.FetchAsync("list");
        Assert.Contains(path, truncated.Error);
        Assert.Contains("not a readable vics list", truncated.Error);

        await _s.Exchanges.UpdateAsync("list", settings: new([new("path", path), new("format", "plain")]));
        await File.WriteAllTextAsync(path, Lines(1, 2));
        Assert.Null((await fetcher.FetchAsync("list")).Error);
        var seq = await _s.Banks.GetLastChangeSeqAsync();

        await File.WriteAllTextAsync(path, "<html><body>Please log in</body></html>\n");
        Assert.Contains("no valid entry", (await fetcher.FetchAsync("list")).Error);
        await File.WriteAllTextAsync(path, "");
        Assert.Contains("the list is empty", (await fetcher.FetchAsync("list")).Error);
        await File.WriteAllTextAsync(path, Lines([.. Enumerable.Range(1, 40)]));
        var big = await fetcher.FetchAsync("list");
        Assert.Contains("larger than the limit of 1000 bytes", big.Error);
        Assert.Contains(path, big.Error);
        File.Delete(path);
        Assert.Contains("no such file", (await fetcher.FetchAsync("list")).Error);

        Assert.Equal(seq, await _s.Banks.GetLastChangeSeqAsync()); // none of it touched the bank
        Assert.All((await EntriesAsync()).Values, e => Assert.False(e.Disabled));
        Assert.Equal(4, (await _s.Exchanges.GetStatusAsync("list"))!.ConsecutiveFailures);

        await File.WriteAllTextAsync(path, "");
        await _s.Exchanges.UpdateAsync("list", settings: new([new("path", path), new("format", "plain"), new("allow_empty", "true")]));
        Assert.Equal(2, (await fetcher.FetchAsync("list")).Withdrawn);
    }

    [Fact]
    public async Task A_file_outside_the_allowed_folders_is_refused()
    {
        var outside = Path.Combine(_dir, "outside.txt");
        await File.WriteAllTextAsync(outside, Lines(1));
        var root = Directory.CreateDirectory(Path.Combine(_dir, "lists")).FullName;
        var fetcher = await AddAsync("file", fileRoots: [root], settings: ("path", Path.Combine(root, "..", "outside.txt")));
        Assert.Contains("outside the folders", (await fetcher.FetchAsync("list")).Error);
        File.CreateSymbolicLink(Path.Combine(root, "link.txt"), outside);
        await _s.Exchanges.UpdateAsync("list", settings: new([new("path", Path.Combine(root, "link.txt"))]));
        Assert.Contains("outside the folders", (await fetcher.FetchAsync("list")).Error);
        await File.WriteAllTextAsync(Path.Combine(root, "in.txt"), Lines(1));
        await _s.Exchanges.UpdateAsync("list", settings: new([new("path", Path.Combine(root, "in.txt"))]));
        Assert.Equal(1, (await fetcher.FetchAsync("list")).Added);
    }

    [Fact]
    public async Task A_url_list_sends_its_etag_back_and_a_304_changes_nothing()
    {
        await using var server = await ListServer.StartAsync();
        server.List = Lines(1, 2, 3);
        var fetcher = await AddAsync("url", settings: ("url", server.Url("/etag/list.txt")));
        Assert.Equal(3, (await fetcher.FetchAsync("list")).Added);
        var checkpoint = (await _s.Exchanges.GetStatusAsync("list"))!.Checkpoint;
        var again = await fetcher.FetchAsync("list");
        Assert.Equal((0L, (string?)null), (again.Added, again.Error));
        Assert.Equal(1, server.NotModified);
        Assert.Equal(checkpoint, (await _s.Exchanges.GetStatusAsync("list"))!.Checkpoint);

        server.List = Lines(2, 3, 4);
        var changed = await fetcher.FetchAsync("list");
        Assert.Equal((1L, 1L), (changed.Added, changed.Withdrawn));
        Assert.Equal(1, server.NotModified);
        Assert.True((await EntriesAsync())[Md5(1)].Disabled);
    }

    [Fact]
    public async Task A_url_list_sends_if_modified_since_and_without_validators_compares_content()
    {
        await using var server = await ListServer.StartAsync();
        server.List = Lines(1, 2);
        var fetcher = await AddAsync("url", settings: ("url", server.Url("/lm/list.txt")));
        Assert.Equal(2, (await fetcher.FetchAsync("list")).Added);
        Assert.Equal(server.LastModified, (await _s.Exchanges.GetStatusAsync("list"))!.UpstreamTime);
        await fetcher.FetchAsync("list");
        Assert.Equal(1, server.NotModified);
        server.List = Lines(1, 2, 3);
        server.LastModified = server.LastModified.AddDays(1);
        Assert.Equal(1, (await fetcher.FetchAsync("list")).Added);

        await _s.Exchanges.UpdateAsync("list", settings: new([new("url", server.Url("/plain/list.txt"))]));
        int before = (int)(await _s.Banks.GetLastChangeSeqAsync());
        var same = await fetcher.FetchAsync("list");
        Assert.Equal((0L, 0L, (string?)null), (same.Added, same.Withdrawn, same.Error));
        Assert.Equal(before, await _s.Banks.GetLastChangeSeqAsync());
    }

    [Fact]
    public async Task A_url_list_sends_its_secret_header_which_is_never_shown()
    {
        await using var server = await ListServer.StartAsync();
        server.List = Lines(1);
        var fetcher = await AddAsync("url", settings: [("url", server.Url("/auth/list.txt")), ("authorization", "Bearer s3cret"), ("headers", "{\"X-Api-Key\":\"k1\"}")]);
        Assert.Equal((1L, (string?)null), ((await fetcher.FetchAsync("list")).Added, (await _s.Exchanges.GetStatusAsync("list"))!.Error));
        Assert.Equal("Bearer s3cret", server.LastAuthorization);
        var shown = (await _s.Exchanges.GetAsync("list"))!.Settings.Redacted(ExchangeTypes.Get("url"));
        Assert.Equal(("***", "***", server.Url("/auth/list.txt")), (shown["authorization"], shown["headers"], shown["url"]));

        await _s.Exchanges.UpdateAsync("list", settings: new([new("url", server.Url("/auth/list.txt")), new("authorization", "Bearer wrong")]));
        var denied = await fetcher.FetchAsync("list");
        Assert.Contains("HTTP 401", denied.Error);
        Assert.DoesNotContain("wrong", denied.Error);
        Assert.Contains("must be a JSON object", ExchangeTypes.Get("url").Validate(new([new("url", "http://x/"), new("headers", "nope")])));
        Assert.Contains("credentials", ExchangeTypes.Get("url").Validate(new([new("url", "http://u:p@x/")])));
        Assert.Contains("scheme 'file'", ExchangeTypes.Get("url").Validate(new([new("url", "file:///etc/passwd")])));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_1_GB_answer_is_refused_at_the_limit_in_bounded_memory(bool declared)
    {
        await using var server = await ListServer.StartAsync();
        const long limit = 64L << 20;
        var fetcher = await AddAsync("url", limits: new ExchangeLimits { MaxListBytes = limit }, settings: ("url", server.Url($"/big?declared={declared}")));
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        var result = await fetcher.FetchAsync("list").WaitAsync(TimeSpan.FromSeconds(120));
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        Assert.Contains(server.Url("/big"), result.Error);
        Assert.Contains($"over the limit of {limit} bytes", result.Error);
        Assert.True(allocated < limit / 2, $"allocated {allocated} bytes");
        Assert.True(server.BigBytesSent < 1L << 30, "the download was cut short");
        Assert.Empty(await EntriesAsync());
        Assert.DoesNotContain(Directory.GetFiles(Path.GetTempPath(), "safeguard-exchange-*.list"), f => new FileInfo(f).Length >= limit); // the partial download is gone
    }

    [Fact]
    public async Task A_slow_drip_answer_ends_at_the_deadline()
    {
        await using var server = await ListServer.StartAsync();
        var fetcher = await AddAsync("url", limits: new ExchangeLimits { ListTimeout = TimeSpan.FromSeconds(1.5) }, settings: ("url", server.Url("/drip")));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await fetcher.FetchAsync("list").WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.Contains("no complete answer within 1.5 s", result.Error);
        Assert.Contains(server.Url("/drip"), result.Error);
    }

    [Theory]
    [InlineData("http://127.0.0.2:{port}/plain/list.txt", "127.0.0.2")]
    [InlineData("http://10.0.0.1/list.txt", "10.0.0.1")]
    [InlineData("http://[::1]:{port}/plain/list.txt", "::1")]
    public async Task A_redirect_to_a_private_address_is_refused(string target, string address)
    {
        await using var server = await ListServer.StartAsync();
        server.List = Lines(1);
        var to = Uri.EscapeDataString(target.Replace("{port}", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        var fetcher = await AddAsync("url", settings: ("url", server.Url("/redirect?to=" + to)));
        var result = await fetcher.FetchAsync("list").WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Contains("refused", result.Error);
        Assert.Contains(address, result.Error);
        Assert.Empty(await EntriesAsync());
        Assert.Equal(1, server.Requests); // only the redirect itself was served
    }

    [Fact]
    public async Task Redirects_within_the_allowed_host_are_followed_up_to_five()
    {
        await using var server = await ListServer.StartAsync();
        server.List = Lines(1);
        var fetcher = await AddAsync("url", settings: ("url", server.Url("/redirect?to=" + Uri.EscapeDataString(server.Url("/plain/list.txt")))));
        Assert.Equal(1, (await fetcher.FetchAsync("list")).Added);
        await _s.Exchanges.UpdateAsync("list", settings: new([new("url", server.Url("/loop/0"))]));
        var loop = await fetcher.FetchAsync("list");
        Assert.Contains("more than 5 redirects", loop.Error);
    }

    [Fact]
    public async Task Loopback_is_refused_without_an_allow_list_and_busy_upstreams_set_the_retry()
    {
        await using var server = await ListServer.StartAsync();
        server.List = Lines(1);
        var fetcher = await AddAsync("url", policy: AddressPolicy.PublicOnly, settings: ("url", server.Url("/plain/list.txt")));
        Assert.Contains("127.0.0.1, a private, loopback or link-local address; refused", (await fetcher.FetchAsync("list")).Error);
        Assert.Equal(0, server.Requests);

        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        await _s.Exchanges.UpdateAsync("list", settings: new([new("url", server.Url("/busy"))]));
        var context = new ExchangeContext { Http = ExchangeHttp.CreateClient(new AddressPolicy(["127.0.0.1"])), Clock = clock };
        var result = await new ExchangeFetcher(_s.Exchanges, context).FetchAsync("list");
        Assert.Contains("HTTP 503", result.Error);
        // The second failure in a row would wait 2 min; upstream asked for 10.
        Assert.Equal(clock.Now.AddMinutes(10), (await _s.Exchanges.GetStatusAsync("list"))!.NextFetch);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("not-an-ip")]
    [InlineData("1.2.3.4/x")]
    public void Bad_allow_list_entries_are_refused(string entry) =>
        Assert.Contains(entry, Assert.Throws<ArgumentException>(() => new AddressPolicy([entry])).Message);
}

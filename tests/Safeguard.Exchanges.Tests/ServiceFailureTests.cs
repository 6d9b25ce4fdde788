using System.Diagnostics;
using Safeguard.Exchanges;
using Safeguard.Exchanges.Tests.Upstreams;

namespace Safeguard.Exchanges.Tests;

/// <summary>Every external-service client against its local server misbehaving: a clear error naming the type, in bounded time and memory.</summary>
public class ServiceFailureTests
{
    public static readonly TheoryData<string> Types = new("ncmec", "threatexchange", "stopncii", "tat");

    public static TheoryData<string, Misbehaviour> Cases()
    {
        var data = new TheoryData<string, Misbehaviour>();
        foreach (var type in new[] { "ncmec", "threatexchange", "stopncii", "tat" })
            foreach (var m in Enum.GetValues<Misbehaviour>().Where(m => m != Misbehaviour.None))
                data.Add(type, m);
        return data;
    }

    private static readonly ExchangeLimits Tight = new() { MaxResponseBytes = 1 << 20, RequestTimeout = TimeSpan.FromSeconds(1.5) };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_misbehaving_service_gives_a_clear_error_in_bounded_time(string type, Misbehaviour misbehaviour)
    {
        await using var server = await ServiceKit.StartAsync(type);
        server.Misbehave = misbehaviour;
        await using var client = ServiceKit.Client(server, limits: Tight);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<ExchangeException>(() => ServiceKit.FetchAsync(client, null));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        Assert.StartsWith($"{type}:", ex.Message, StringComparison.Ordinal);
        foreach (var secret in server.Secrets) Assert.DoesNotContain(secret, ex.Message, StringComparison.Ordinal);
        switch (misbehaviour)
        {
            case Misbehaviour.TooManyRequests:
                Assert.True(ex.Transient);
                Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
                Assert.Contains("429", ex.Message, StringComparison.Ordinal);
                break;
            case Misbehaviour.ServerError:
                Assert.True(ex.Transient);
                Assert.Contains("HTTP 500", ex.Message, StringComparison.Ordinal);
                break;
            case Misbehaviour.Unavailable:
                Assert.True(ex.Transient);
                Assert.Contains("HTTP 503", ex.Message, StringComparison.Ordinal);
                // Retry-After as an HTTP date two minutes ahead.
                Assert.InRange(ex.RetryAfter!.Value, TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(121));
                break;
            case Misbehaviour.WrongContentType:
                Assert.False(ex.Transient);
                Assert.Contains("text/html", ex.Message, StringComparison.Ordinal);
                break;
            case Misbehaviour.MalformedBody:
                Assert.False(ex.Transient);
                Assert.Contains("malformed", ex.Message, StringComparison.Ordinal);
                break;
            case Misbehaviour.HugeBody:
                Assert.Contains("limit of 1048576 bytes", ex.Message, StringComparison.Ordinal);
                // The server offers a gigabyte; the client (and the server, in this process) allocated a small part of it.
                Assert.True(allocated < 64L << 20, $"allocated {allocated} bytes");
                break;
            case Misbehaviour.SlowDrip:
                Assert.True(ex.Transient);
                Assert.Contains("deadline", ex.Message, StringComparison.Ordinal);
                break;
            case Misbehaviour.SamePageForever:
                Assert.Contains("same page", ex.Message, StringComparison.Ordinal);
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public async Task A_refused_credential_says_so_without_echoing_it(string type)
    {
        await using var server = await ServiceKit.StartAsync(type);
        var wrong = server.WrongSecretSettings();
        await using var client = ServiceKit.Client(server, wrong);
        var ex = await Assert.ThrowsAsync<ExchangeException>(() => ServiceKit.FetchAsync(client, null));
        Assert.False(ex.Transient);
        Assert.Contains("refused the credential", ex.Message, StringComparison.Ordinal);
        var secretNames = ExchangeTypes.Get(type).Settings.Where(s => s.Secret).Select(s => s.Name).ToHashSet();
        foreach (var (name, value) in wrong.Values.Where(kv => secretNames.Contains(kv.Key)))
        {
            Assert.DoesNotContain(value, ex.Message, StringComparison.Ordinal);
            Assert.Equal("***", wrong.Redacted(ExchangeTypes.Get(type))[name]);
        }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public async Task An_unreachable_service_is_a_transient_error(string type)
    {
        var server = await ServiceKit.StartAsync(type);
        var settings = server.Settings();
        await server.DisposeAsync();
        await using var client = ExchangeTypes.Get(type).Create(settings, ServiceKit.Context(Tight));
        var ex = await Assert.ThrowsAsync<ExchangeException>(() => ServiceKit.FetchAsync(client, null));
        Assert.True(ex.Transient);
        Assert.StartsWith($"{type}:", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public async Task A_checkpoint_from_something_else_is_refused_by_name(string type)
    {
        await using var server = await ServiceKit.StartAsync(type);
        await using var client = ServiceKit.Client(server);
        var ex = await Assert.ThrowsAsync<ExchangeException>(() => ServiceKit.FetchAsync(client, "{not json"));
        Assert.Contains($"{type}: the stored checkpoint", ex.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Settings_are_checked_and_secrets_marked(string type)
    {
        var t = ExchangeTypes.Get(type);
        Assert.Contains("is required", t.Validate(ExchangeSettings.Empty), StringComparison.Ordinal);
        Assert.Contains(t.Settings, s => s.Secret);
        Assert.Contains(t.Settings, s => s.Name == "base_url" && !s.Secret);
        var withBadUrl = new ExchangeSettings(t.Settings.Where(s => s.Required).Select(s => KeyValuePair.Create(s.Name, s.Name == "access_token" ? ThreatExchangeServer.Token : s.Name == "privacy_group" ? "123" : "x"))
            .Append(KeyValuePair.Create("base_url", "ftp://user:pw@example.org/")));
        Assert.Contains("base_url", t.Validate(withBadUrl), StringComparison.Ordinal);
    }
}

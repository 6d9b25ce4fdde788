using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Safeguard.Banks.Storage;
using Safeguard.Storage.Banks;
using Safeguard.Conversations.Monitoring;
using Safeguard.Server.Api;
using Safeguard.Server.Audit;
using Safeguard.Server.Auth;
using Safeguard.Server.Data;
using Safeguard.Server.Index;
using Safeguard.Server.Media;
using Safeguard.Server.Review;

namespace Safeguard.Server;

/// <summary>Everything one server process holds; endpoints take it from DI.</summary>
public sealed class ServerState(ServerOptions options, IBankStore banks, ServerDb db, AuditLog audit, ApiKeyStore keys,
    IMatcher matcher, LookupService lookup, Suppressions suppressions, ReviewStore review, HasherPool hashers, SafeFetcher fetcher,
    ConversationMonitor conversations, VideoHasher videoHasher, VpdqBankCache videoBanks, AuditCheckpointer checkpoints)
{
    public ServerOptions Options { get; } = options;
    public IBankStore Banks { get; } = banks;
    public ServerDb Db { get; } = db;
    public AuditLog Audit { get; } = audit;
    public ApiKeyStore Keys { get; } = keys;
    public IMatcher Matcher { get; } = matcher;
    public LookupService Lookup { get; } = lookup;
    public Suppressions Suppressions { get; } = suppressions;
    public ReviewStore Review { get; } = review;
    public HasherPool Hashers { get; } = hashers;
    public SafeFetcher Fetcher { get; } = fetcher;
    public ConversationMonitor Conversations { get; } = conversations;
    public VideoHasher VideoHasher { get; } = videoHasher;
    public VpdqBankCache VideoBanks { get; } = videoBanks;
    public AuditCheckpointer Checkpoints { get; } = checkpoints;
}

/// <summary>`safeguard serve`: builds and runs the web application.</summary>
public static class SafeguardServer
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static async Task<WebApplication> BuildAsync(ServerOptions options, Action<ILoggingBuilder>? logging = null, CancellationToken ct = default)
    {
        var dbName = options.ResolveDb();
        var banks = await BankStores.OpenAsync(dbName, ct);
        var db = await ServerDb.OpenAsync(dbName, ct);
        var audit = new AuditLog(db);
        var keys = new ApiKeyStore(db, audit);
        var matcher = new BankIndexMatcher(banks);
        var suppressions = new Suppressions(db, audit);
        var lookup = new LookupService(matcher, suppressions, options);
        var review = new ReviewStore(db, audit, suppressions);
        var monitor = new ConversationMonitor(options.ConversationAlertLevel);
        var hashers = new HasherPool(options);
        var checkpoints = new AuditCheckpointer(audit, AuditSigningKey.Open(options.ResolveAuditKey(), create: true), options.ResolveAuditCheckpoints());
        var state = new ServerState(options, banks, db, audit, keys, matcher, lookup, suppressions, review, hashers,
            new SafeFetcher(options), monitor, new VideoHasher(hashers, options.MaxConcurrentVideos, options.VideoTimeout), new VpdqBankCache(banks),
            checkpoints);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Safeguard.Server", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging?.Invoke(builder.Logging);
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxMediaBytes + 64 * 1024; // raised per endpoint for imports
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(15);
            k.Limits.MinRequestBodyDataRate = new MinDataRate(1024, TimeSpan.FromSeconds(10));
            k.Limits.MaxConcurrentConnections = 4096;
        });
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = Json.PropertyNamingPolicy;
            o.SerializerOptions.DefaultIgnoreCondition = Json.DefaultIgnoreCondition;
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
        builder.Services.AddSingleton(state);
        builder.Services.AddHostedService<IndexFollower>();
        builder.Services.AddHostedService<AuditCheckpointSchedule>();
        builder.Services.AddRoutingCore();
        // A query value that does not bind (?limit=abc, an overflow) throws, so Pipeline.RunSafely answers the JSON error naming it.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("safeguard");
        RemoveStaleSpoolFiles(log);
        await DemoBank.EnsureAsync(state, log, ct);
        await matcher.RefreshAsync(ct);
        await lookup.ReloadBanksAsync(banks);
        await suppressions.ReloadAsync();
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            state.Fetcher.Dispose();
            state.Hashers.Dispose();
            state.Checkpoints.Dispose();
            banks.DisposeAsync().AsTask().GetAwaiter().GetResult();
            db.DisposeAsync().AsTask().GetAwaiter().GetResult();
        });

        Pipeline.Configure(app, state);
        return app;
    }

    /// <summary>Import uploads left by a server killed mid-import; a failure here only warns.</summary>
    private static void RemoveStaleSpoolFiles(ILogger log)
    {
        try
        {
            foreach (var path in ImportSpool.RemoveStale()) log.LogInformation("removed {Path}, an import upload left by a stopped process", path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.LogWarning("cannot clean the import spool {Dir}: {Message}", ImportSpool.DirectoryPath, ex.Message);
        }
    }
}

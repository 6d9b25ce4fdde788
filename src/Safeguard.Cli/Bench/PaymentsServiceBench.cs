using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Safeguard.Payments.Synthetic;
using Safeguard.Server;
using Safeguard.Server.Auth;
using Safeguard.Server.Hosting;

namespace Safeguard.Cli.Bench;

public sealed record PaymentsServiceBenchResult(long Rows, int Batches, double Seconds, double RowsPerSecond, long SubjectsReported, long ReviewItems, long FailedRows);

/// <summary>
/// Posts a generated feed to POST /v1/payments/transactions in batches, one after another, and times it:
/// against a running server (url and key), or a server started in this process on a loopback port with a
/// throwaway database.
/// </summary>
public static class PaymentsServiceBench
{
    public static async Task<PaymentsServiceBenchResult> RunAsync(long transactions, int batchRows, int seed, string? url, string? key, TextWriter log)
    {
        log.WriteLine($"generating about {transactions:N0} transactions (seed {seed})...");
        var generator = new FeedGenerator(FeedSettings.Tuned(seed) with { TargetTransactions = transactions });
        var buffer = new MemoryStream();
        generator.Write(buffer);
        var text = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        buffer = null;
        int headerEnd = text.IndexOf('\n', StringComparison.Ordinal) + 1;
        var header = Encoding.UTF8.GetBytes(text[..headerEnd]);
        // Batch boundaries: every batchRows-th line end.
        var batches = new List<byte[]>();
        int start = headerEnd, rowsInBatch = 0;
        long rows = 0;
        for (int i = headerEnd; i < text.Length; i++)
        {
            if (text[i] != '\n') continue;
            rows++;
            if (++rowsInBatch < batchRows && i + 1 < text.Length) continue;
            batches.Add([.. header, .. Encoding.UTF8.GetBytes(text[start..(i + 1)])]);
            start = i + 1;
            rowsInBatch = 0;
        }
        if (start < text.Length) batches.Add([.. header, .. Encoding.UTF8.GetBytes(text[start..])]);
        text = "";

        string? dir = null;
        Microsoft.AspNetCore.Builder.WebApplication? app = null;
        try
        {
            if (url is null)
            {
                dir = Path.Combine(Path.GetTempPath(), $"sg-paybench-{Guid.NewGuid():N}");
                Directory.CreateDirectory(dir);
                url = $"http://127.0.0.1:{FreePort()}";
                var options = new ServerOptions
                {
                    Db = Path.Combine(dir, "safeguard.db"), Urls = url, Demo = false, AuditKey = Path.Combine(dir, "audit-signing.key"),
                    AuditCheckpointInterval = TimeSpan.Zero,
                };
                app = await SafeguardServer.BuildAsync(options, l => l.SetMinimumLevel(LogLevel.Warning));
                await app.StartAsync();
                (_, key) = await app.Services.GetRequiredService<ApiKeyStore>().CreateAsync("payments-bench", [Roles.Matcher], 1_000_000, "bench");
                log.WriteLine($"server started in this process on {url} (database {options.Db})");
            }
            using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(10) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            long subjects = 0, items = 0, failed = 0, accepted = 0;
            log.WriteLine($"posting {rows:N0} rows in {batches.Count} batches of {batchRows:N0}...");
            var watch = Stopwatch.StartNew();
            foreach (var batch in batches)
            {
                using var content = new ByteArrayContent(batch);
                content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
                using var response = await client.PostAsync("/v1/payments/transactions", content);
                var body = await response.Content.ReadAsByteArrayAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                    throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
                using var answer = JsonDocument.Parse(body);
                accepted += answer.RootElement.GetProperty("rows_accepted").GetInt64();
                failed += answer.RootElement.GetProperty("rows_failed").GetInt64();
                foreach (var s in answer.RootElement.GetProperty("subjects").EnumerateArray())
                {
                    subjects++;
                    if (s.GetProperty("review_item_id").ValueKind == JsonValueKind.Number) items++;
                }
            }
            double seconds = watch.Elapsed.TotalSeconds;
            return new PaymentsServiceBenchResult(accepted, batches.Count, Math.Round(seconds, 3), Math.Round(accepted / seconds), subjects, items, failed);
        }
        finally
        {
            if (app is not null) { await app.StopAsync(); await app.DisposeAsync(); }
            if (dir is not null) try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

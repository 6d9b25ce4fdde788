using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Safeguard.Banks.Storage;
using Safeguard.Server.Review;

namespace Safeguard.Server.Index;

/// <summary>Polls the bank change feed (and banks, suppressions) so writes on any node become matchable here.</summary>
public sealed class IndexFollower(ServerOptions options, IBankStore banks, LiveIndex index, LookupService lookup, Suppressions suppressions,
    ILogger<IndexFollower> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        int tick = 0;
        string? lastError = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.PollInterval, stoppingToken);
                await index.RefreshAsync(stoppingToken);
                if (tick++ % 4 == 0)
                {
                    await lookup.ReloadBanksAsync(banks);
                    await suppressions.ReloadAsync();
                }
                lastError = null;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex)
            {
                if (ex.Message != lastError) log.LogWarning("index refresh failed: {Message}", ex.Message);
                lastError = ex.Message;
            }
        }
    }
}

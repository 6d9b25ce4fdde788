using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Safeguard.Server.Index;

/// <summary>Polls the bank change feed (and banks, suppressions) so writes on any node become matchable here.</summary>
public sealed class IndexFollower(ServerState state, ILogger<IndexFollower> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        int tick = 0;
        string? lastError = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(state.Options.PollInterval, stoppingToken);
                await state.Matcher.RefreshAsync(stoppingToken);
                if (tick++ % 4 == 0)
                {
                    await state.Lookup.ReloadBanksAsync(state.Banks);
                    await state.Suppressions.ReloadAsync();
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

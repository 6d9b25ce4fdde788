using System.CommandLine;

namespace Safeguard.Cli.Commands;

/// <summary>Every top-level command, in the order help lists them.</summary>
public static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return HashCommand.Create();
        yield return BankCommand.Create();
        yield return ExchangeCommand.Create();
        yield return MatchCommand.Create();
        yield return ScanCommand.Create();
        // Until the crawler lands: a `crawl` command holding the notice subcommands only.
        yield return CrawlNoticesCommands.CreateStandalone();
        yield return BenchCommand.Create();
        yield return Chat.ChatCommand.Create();
        yield return Video.VideoCommand.Create();
        yield return Video.WatchCommand.Create();
        yield return Payments.PaymentsCommand.Create();
        yield return ServeCommand.Create();
        yield return KeysCommand.Create();
        yield return FeedsCommand.Create();
        yield return AuditCommand.Create();
    }
}

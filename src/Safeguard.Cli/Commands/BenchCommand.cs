using System.CommandLine;

namespace Safeguard.Cli.Commands;

/// <summary><c>safeguard bench</c>: benchmark commands.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure Safeguard's speed against naive or reference implementations");
        bench.Add(BenchMatchCommand.Create());
        bench.Add(BenchMakeBankCommand.Create());
        return bench;
    }
}

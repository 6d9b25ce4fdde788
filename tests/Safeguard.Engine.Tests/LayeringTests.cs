using System.Reflection;
using Safeguard.Engine.Matching;

namespace Safeguard.Engine.Tests;

/// <summary>The core (signals, hashing, matching, the engine, the bank model and formats) reaches no web framework and no database driver.</summary>
public sealed class LayeringTests
{
    private static readonly string[] Forbidden = ["Npgsql", "Microsoft.Data.Sqlite", "SQLitePCLRaw", "Microsoft.AspNetCore", "Safeguard.Server", "Safeguard.Storage", "Safeguard.Cli"];

    [Fact]
    public void The_engine_and_what_it_uses_reference_no_database_or_web_assembly()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>([typeof(Matcher).Assembly]);
        var reached = new List<string>();
        while (pending.Count > 0)
        {
            var assembly = pending.Pop();
            foreach (var name in assembly.GetReferencedAssemblies())
            {
                if (!seen.Add(name.Name!)) continue;
                reached.Add(name.Name!);
                // Only our own assemblies are followed: the framework's own references are not ours to police.
                if (name.Name!.StartsWith("Safeguard.", StringComparison.Ordinal)) pending.Push(Assembly.Load(name));
            }
        }
        Assert.Contains("Safeguard.Signals", reached);
        Assert.Contains("Safeguard.Banks", reached);
        Assert.DoesNotContain(reached, r => Forbidden.Any(f => r.StartsWith(f, StringComparison.Ordinal)));
    }
}

using System.Text.RegularExpressions;

namespace Safeguard.Server.Tests;

/// <summary>
/// The shell examples in README.md and docs/*.md run as pasted from the repository root: the program is
/// called as <c>./safeguard</c> (no bare <c>safeguard</c>, which is not on the PATH, nor build paths or
/// <c>dotnet run</c> aliases), and no example creates or deletes the bank the service makes for its demo.
/// </summary>
public sealed partial class DocExamplesTests
{
    [GeneratedRegex(@"(^\s*|[|;&(]\s*)(safeguard |\$SG\b|SG=|dotnet run\b|alias safeguard)")]
    private static partial Regex OtherWayToCall();

    [GeneratedRegex(@"bank (create|delete) demo\b|-X DELETE [^\n]*/(v1/banks|c/bank)/demo\b")]
    private static partial Regex DemoBankClash();

    private static IEnumerable<string> Guides() =>
        new[] { Path.Combine(Repository.Root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(Repository.Root, "docs"), "*.md").Order(StringComparer.Ordinal));

    /// <summary>Lines of ```sh blocks, with file and line number.</summary>
    private static IEnumerable<(string Where, string Line)> ShellLines()
    {
        foreach (var file in Guides())
        {
            bool inShell = false, inBlock = false;
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                var t = lines[i].TrimStart();
                if (t.StartsWith("```", StringComparison.Ordinal))
                {
                    inShell = !inBlock && t[3..].Trim() is "sh" or "bash" or "shell";
                    inBlock = !inBlock;
                    continue;
                }
                if (inShell) yield return ($"{Path.GetRelativePath(Repository.Root, file)}:{i + 1}", lines[i]);
            }
        }
    }

    [Fact]
    public void Shell_examples_call_the_program_as_dot_slash_safeguard()
    {
        var lines = ShellLines().ToList();
        Assert.Contains(lines, l => l.Line.StartsWith("./safeguard serve", StringComparison.Ordinal)); // the scan reads the blocks at all
        var wrong = lines.Where(l => OtherWayToCall().IsMatch(l.Line)).Select(l => $"{l.Where}: {l.Line.Trim()}").ToList();
        Assert.True(wrong.Count == 0, "call the program as ./safeguard:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void No_example_creates_or_deletes_the_services_demo_bank()
    {
        var wrong = ShellLines().Where(l => DemoBankClash().IsMatch(l.Line)).Select(l => $"{l.Where}: {l.Line.Trim()}").ToList();
        Assert.True(wrong.Count == 0, "`safeguard serve` makes a bank named demo; examples use another name:\n" + string.Join("\n", wrong));
    }
}

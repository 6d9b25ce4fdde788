using System.CommandLine;
using Safeguard.Cli.Commands;

namespace Safeguard.Cli.Tests;

/// <summary>Parse errors in the user's words: no .NET type names, one error for an unknown command, exit 2.</summary>
[Collection("Console")]
public class UsageErrorTests
{
    private static RootCommand Root()
    {
        var root = new RootCommand("test");
        root.Options.Add(GlobalOptions.Db);
        root.Options.Add(GlobalOptions.NoProgress);
        foreach (var command in CommandCatalog.All()) root.Add(command);
        return root;
    }

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o);
        Console.SetError(e);
        try { return (CommandRunner.Run(Root(), args), o.ToString(), e.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void A_bad_format_lists_the_allowed_values_without_type_names()
    {
        var (exit, _, err) = Run("hash", "samples", "--format", "x");
        Assert.Equal(2, exit);
        Assert.Contains("--format: 'x' is not one of csv, jsonl", err);
        Assert.DoesNotContain("Safeguard.", err);
        Assert.DoesNotContain("System.", err);
    }

    [Fact]
    public void A_bad_number_says_so_without_type_names()
    {
        var (exit, _, err) = Run("hash", "samples", "--threads", "many");
        Assert.Equal(2, exit);
        Assert.Contains("--threads: 'many' is not a whole number", err);
        Assert.DoesNotContain("System.Int32", err);
    }

    /// <summary>Every enum-typed option of every command: a bad value names the values, and each named value is accepted.</summary>
    [Fact]
    public void Every_enum_option_names_values_the_parser_accepts()
    {
        var found = new List<string>();
        var root = Root();
        foreach (var (path, option) in EnumOptions(root, []))
        {
            var enumType = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
            found.Add(string.Join(' ', path) + " " + option.Name);
            // Help names the values and the default as they are typed, not as C# spells them.
            var help = Run([.. path, "--help"]).Out;
            Assert.Contains($"{option.Name} <{string.Join('|', UsageErrors.AllowedValues(enumType))}>", help);
            Assert.All(Enum.GetNames(enumType), name => Assert.DoesNotContain($"[default: {name}]", help));
            var (exit, _, err) = Run([.. path, option.Name, "bogus"]);
            Assert.Equal(2, exit);
            Assert.DoesNotContain(enumType.FullName!, err);
            var listed = Lines(err).Single(l => l.Contains("is not one of", StringComparison.Ordinal)).Split("is not one of ")[1].Split(", ");
            // The listed words are the enum's members, each accepted by the parser as the value it names.
            Assert.Equal(Enum.GetNames(enumType).Length, listed.Length);
            foreach (var word in listed)
            {
                var parse = root.Parse([.. path, option.Name, word]);
                Assert.DoesNotContain(parse.Errors, e => e.Message.Contains(word, StringComparison.Ordinal));
                var result = parse.GetResult(option);
                Assert.NotNull(result);
                var value = typeof(System.CommandLine.Parsing.OptionResult).GetMethod(nameof(result.GetValueOrDefault))!
                    .MakeGenericMethod(enumType).Invoke(result, null);
                Assert.Equal(Enum.Parse(enumType, word.Replace("-", ""), ignoreCase: true), value);
            }
        }
        // The enum options known when this was written: a new one is checked too, a lost one is noticed.
        Assert.Contains("hash --format", found);
        Assert.Contains("hash --video-sampling", found);
        Assert.Contains("match --format", found);
        Assert.Contains("video hash --format", found);
        Assert.Contains("video compare --format", found);
    }

    private static IEnumerable<(string[] Path, Option Option)> EnumOptions(Command command, string[] path)
    {
        foreach (var option in command.Options)
        {
            var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
            if (type.IsEnum) yield return (path, option);
        }
        foreach (var sub in command.Subcommands)
            foreach (var found in EnumOptions(sub, [.. path, sub.Name]))
                yield return found;
    }

    [Fact]
    public void An_unknown_command_is_one_error_with_a_hint()
    {
        var (exit, output, err) = Run("frobnicate");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        var lines = Lines(err);
        Assert.Equal(["safeguard: unknown command 'frobnicate'", "Run 'safeguard --help' for usage."], lines);
    }

    [Fact]
    public void A_mistyped_command_suggests_the_closest_one()
    {
        var (exit, _, err) = Run("hsah", "samples");
        Assert.Equal(2, exit);
        Assert.Equal(["safeguard: unknown command 'hsah' (did you mean 'hash'?)", "Run 'safeguard --help' for usage."], Lines(err));

        var (bankExit, _, bankErr) = Run("bank", "lst");
        Assert.Equal(2, bankExit);
        Assert.Equal(["safeguard: unknown command 'lst' (did you mean 'list'?)", "Run 'safeguard bank --help' for usage."], Lines(bankErr));
    }

    [Fact]
    public void Edit_distance_matches_hand_counted_cases()
    {
        Assert.Equal(0, UsageErrors.Distance("hash", "hash"));
        Assert.Equal(2, UsageErrors.Distance("hsah", "hash"));   // two substitutions
        Assert.Equal(1, UsageErrors.Distance("lst", "list"));    // one insertion
        Assert.Equal(3, UsageErrors.Distance("kitten", "sitting"));
    }
}

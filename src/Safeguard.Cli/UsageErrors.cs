using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;

namespace Safeguard.Cli;

/// <summary>
/// Parse errors in the user's words: the parser's own texts name .NET types (an enum option's bad
/// value reads "as expected type 'Safeguard.Cli.Output.OutputFormat'") and an unknown command
/// gives two errors at once.
/// </summary>
public static class UsageErrors
{
    /// <summary>The values an enum option accepts, as users type them (csv, jsonl).</summary>
    public static string[] AllowedValues(Type enumType) =>
        [.. Enum.GetNames(enumType).Select(JsonNamingPolicy.KebabCaseLower.ConvertName)];

    /// <summary>Shows every enum option's values in help as "csv|jsonl" instead of "Csv|Jsonl".</summary>
    public static void NameEnumValues(Command command)
    {
        foreach (var option in command.Options)
            if (EnumType(option) is { } type && option.HelpName is null)
                option.HelpName = string.Join('|', AllowedValues(type));
        foreach (var sub in command.Subcommands) NameEnumValues(sub);
    }

    /// <summary>The lines to print for a failed parse (without the "safeguard: " prefix).</summary>
    public static List<string> Describe(ParseResult parse)
    {
        if (UnknownCommand(parse) is { } unknown) return [unknown];
        var lines = new List<string>();
        foreach (var error in parse.Errors)
        {
            string text = Friendly(error);
            if (!lines.Contains(text)) lines.Add(text);
        }
        return lines;
    }

    /// <summary>The command path the user typed, for the help hint ("safeguard bank").</summary>
    public static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (SymbolResult? r = parse.CommandResult; r is CommandResult c; r = c.Parent)
            names.Insert(0, c.Command is RootCommand ? "safeguard" : c.Command.Name);
        return string.Join(' ', names);
    }

    private static string? UnknownCommand(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        if (command.Subcommands.Count == 0) return null;
        var word = parse.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith('-'));
        if (word is null)
        {
            if (command.Action is not null) return null;
            return $"'{CommandPath(parse)}' needs a command: {string.Join(", ", command.Subcommands.Where(s => !s.Hidden).Select(s => s.Name))}";
        }
        var closest = command.Subcommands.Where(s => !s.Hidden).Select(s => s.Name)
            .Select(name => (name, distance: Distance(word.ToLowerInvariant(), name)))
            .OrderBy(p => p.distance).FirstOrDefault();
        string hint = closest.name is not null && closest.distance <= Math.Max(2, word.Length / 3) ? $" (did you mean '{closest.name}'?)" : "";
        return $"unknown command '{word}'{hint}";
    }

    private static string Friendly(ParseError error)
    {
        var option = error.SymbolResult switch
        {
            OptionResult o => o.Option,
            ArgumentResult { Parent: OptionResult o } => o.Option,
            _ => null,
        };
        if (option is null) return error.Message;
        var tokens = error.SymbolResult is OptionResult o2 ? o2.Tokens : (error.SymbolResult as ArgumentResult)?.Tokens;
        string? value = tokens is { Count: > 0 } ? tokens[^1].Value : null;
        if (value is null) return error.Message;
        if (EnumType(option) is { } enumType)
            return $"{option.Name}: '{value}' is not one of {string.Join(", ", AllowedValues(enumType))}";
        var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        if (type == typeof(int) || type == typeof(long))
            return $"{option.Name}: '{value}' is not a whole number";
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
            return $"{option.Name}: '{value}' is not a number";
        return error.Message;
    }

    private static Type? EnumType(Option option)
    {
        var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        return type.IsEnum ? type : null;
    }

    /// <summary>Edit distance (insertions, deletions, substitutions), for "did you mean".</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}

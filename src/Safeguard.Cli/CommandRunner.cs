using System.CommandLine;

namespace Safeguard.Cli;

/// <summary>Exit codes shared by every command.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int SomeFailed = 1;
    public const int Usage = 2;
}

public static class CommandRunner
{
    /// <summary>
    /// The parser hands a mistyped "--option" to a command's file or hash arguments as a value.
    /// Such a token that names no file is a usage error; after a literal "--" anything goes, so a
    /// file really named "--x" can still be given.
    /// </summary>
    private static string? UnknownOption(ParseResult parse)
    {
        foreach (var token in parse.Tokens)
        {
            if (token.Type == System.CommandLine.Parsing.TokenType.DoubleDash) return null;
            if (token.Type == System.CommandLine.Parsing.TokenType.Argument
                && token.Value.StartsWith("--", StringComparison.Ordinal) && token.Value.Length > 2
                && !File.Exists(token.Value) && !Directory.Exists(token.Value))
                return token.Value;
        }
        return null;
    }

    /// <summary>Parses and runs; a usage error prints the problem and exits 2.</summary>
    public static int Run(RootCommand root, string[] args)
    {
        UsageErrors.NameEnumValues(root);
        // Every command may show progress; a root built without the option (as some tests build one) gets it here.
        if (!root.Options.Contains(GlobalOptions.NoProgress)) root.Options.Add(GlobalOptions.NoProgress);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var line in UsageErrors.Describe(parse))
                Console.Error.WriteLine($"safeguard: {line}");
            Console.Error.WriteLine($"Run '{UsageErrors.CommandPath(parse)} --help' for usage.");
            return ExitCodes.Usage;
        }
        if (UnknownOption(parse) is { } unknown)
        {
            Console.Error.WriteLine($"safeguard: unknown option '{unknown}'");
            Console.Error.WriteLine("Run 'safeguard --help' for usage.");
            return ExitCodes.Usage;
        }
        try
        {
            // Without this, System.CommandLine catches UsageException itself and exits 1.
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"safeguard: {ex.Message}");
            return ExitCodes.Usage;
        }
    }
}

/// <summary>Thrown by a command for a usage problem found after parsing (exit code 2).</summary>
public sealed class UsageException(string message) : Exception(message);

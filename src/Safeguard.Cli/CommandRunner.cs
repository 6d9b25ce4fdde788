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
    /// <summary>Parses and runs; a usage error prints the problem and exits 2.</summary>
    public static int Run(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                Console.Error.WriteLine($"safeguard: {error.Message}");
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

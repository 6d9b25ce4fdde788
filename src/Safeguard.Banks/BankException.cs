namespace Safeguard.Banks;

/// <summary>A request the store cannot carry out (unknown bank, duplicate name, ...).</summary>
public class BankException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>An input file that cannot be read as a whole (truncated, not the format). Nothing is imported.</summary>
public sealed class BankFormatException(string source, long line, string message, Exception? inner = null)
    : BankException(line > 0 ? $"{source}:{line}: {message}" : $"{source}: {message}", inner)
{
    public string InputName { get; } = source;
    public long Line { get; } = line;
    public string Detail { get; } = message;
}

/// <summary>A line or record that was skipped; the rest of the input carries on.</summary>
public sealed record InputProblem(string Source, long Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{Source}:{Line}: {Message}" : $"{Source}: {Message}";
}

/// <summary>The named bank does not exist (callers such as the service answer it as "not found").</summary>
public sealed class BankNotFoundException(string bank) : BankException($"no bank named '{bank}'")
{
    public string Bank { get; } = bank;
}

namespace Safeguard.Banks;

/// <summary>What kind of failure a <see cref="BankException"/> is, so callers (the service's status codes) need not read its message.</summary>
public enum BankErrorKind { Invalid, NotFound }

/// <summary>A request the store cannot carry out (unknown bank, duplicate name, ...).</summary>
public class BankException(string message, Exception? inner = null, BankErrorKind kind = BankErrorKind.Invalid) : Exception(message, inner)
{
    public BankErrorKind Kind { get; } = kind;

    /// <summary>The named bank does not exist.</summary>
    public static BankException NoSuchBank(string bank) => new($"no bank named '{bank}'", kind: BankErrorKind.NotFound);
}

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

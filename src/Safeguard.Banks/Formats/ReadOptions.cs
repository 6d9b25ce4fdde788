using Safeguard.Signals;

namespace Safeguard.Banks.Formats;

/// <summary>How to read a hash list, and where to report lines that are skipped.</summary>
public sealed record ReadOptions
{
    /// <summary>Name used in messages ("file:line: ..."), usually the file path or "-" for stdin.</summary>
    public string SourceName { get; init; } = "input";

    /// <summary>
    /// Type of values that carry none. When null, the type is inferred from the length
    /// (32 md5, 40 sha1, 64 <see cref="For64HexDigits"/>).
    /// </summary>
    public SignalType? DefaultType { get; init; }

    /// <summary>What an untyped 64-digit value is when <see cref="DefaultType"/> is not set: pdq unless told sha256.</summary>
    public SignalType For64HexDigits { get; init; } = SignalTypes.Pdq;

    /// <summary>Called for each skipped line or record; reading carries on.</summary>
    public Action<InputProblem>? OnProblem { get; init; }

    /// <summary>
    /// The default <see cref="MaxLineLength"/>: 1 MiB, so a whole tmk hash (351,128 base64 characters)
    /// fits on one line with its metadata, while a runaway line is still skipped after a bounded read.
    /// </summary>
    public const int DefaultMaxLineLength = 1024 * 1024;

    /// <summary>Longest line (or CSV record) accepted, in characters; longer ones are skipped unread.</summary>
    public int MaxLineLength { get; init; } = DefaultMaxLineLength;

    /// <summary>Largest single JSON token (string) accepted in VICS files, in bytes.</summary>
    public int MaxJsonTokenBytes { get; init; } = 1024 * 1024;

    internal void Problem(long line, string message) => OnProblem?.Invoke(new InputProblem(SourceName, line, message));

    /// <summary>Turns an optional type name and a value into a record, or reports (via OnProblem) why it cannot.</summary>
    public EntryRecord? MakeRecord(long line, string? typeName, string value)
    {
        value = value.Trim();
        SignalType? type;
        if (!string.IsNullOrWhiteSpace(typeName))
        {
            if (!SignalTypes.TryGet(typeName, out type))
            {
                Problem(line, $"unknown signal type '{Category.Shorten(typeName.Trim())}' (known: {string.Join(", ", SignalTypes.All.Select(t => t.Name).Order())})");
                return null;
            }
        }
        else
        {
            type = DefaultType ?? SignalTypes.InferFromLength(value.Length, For64HexDigits);
            if (type is null)
            {
                Problem(line, value.Length == 0 ? "empty hash" : $"cannot tell the signal type of a {value.Length}-character value '{Category.Shorten(value)}' (expected 32, 40 or 64 hex digits)");
                return null;
            }
        }
        return MakeRecordOf(line, type, value);
    }

    /// <summary>A value of a known type as a record, or null after reporting why it is not valid.</summary>
    public EntryRecord? MakeRecordOf(long line, SignalType type, string value)
    {
        var normalized = type.TryNormalize(value.Trim(), out var error);
        if (normalized is null)
        {
            Problem(line, error!);
            return null;
        }
        return new EntryRecord(type, normalized);
    }
}

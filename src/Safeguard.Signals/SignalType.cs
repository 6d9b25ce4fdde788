namespace Safeguard.Signals;

/// <summary>How a signal type is compared: byte equality, Hamming distance, or a video rule over frames.</summary>
public enum SignalKind
{
    /// <summary>A digest of the bytes (md5, sha1, sha256, video_md5): equal or not.</summary>
    Exact,
    /// <summary>A perceptual image hash (pdq): near when within a Hamming distance.</summary>
    Perceptual,
    /// <summary>A video's frame hashes (vpdq): near when enough frames match.</summary>
    Video,
}

/// <summary>
/// A kind of hash: its name, how its values are written as text (at the edges: CSV, JSON, SQL),
/// checked and compared. Each type lives in its own folder and is listed once in <see cref="SignalTypes"/>.
/// </summary>
public abstract class SignalType
{
    protected SignalType(string name, SignalKind kind, params string[] aliases)
    {
        Name = name;
        Kind = kind;
        Aliases = aliases;
    }

    /// <summary>The name in bank files, the API and outputs (e.g. "pdq", "video_md5").</summary>
    public string Name { get; }

    public SignalKind Kind { get; }

    /// <summary>Other tools' spellings of this type (HMA, VICS hash names).</summary>
    public IReadOnlyList<string> Aliases { get; }

    /// <summary>
    /// The canonical text of a value (lower-case hex, a normalised frame list), or null and a
    /// reason naming the type and what is wrong.
    /// </summary>
    public abstract string? TryNormalize(ReadOnlySpan<char> raw, out string? error);

    public override string ToString() => Name;
}

/// <summary>A signal type whose values parse to <typeparamref name="T"/>: the form the engine works with.</summary>
public abstract class SignalType<T>(string name, SignalKind kind, params string[] aliases) : SignalType(name, kind, aliases)
{
    public abstract bool TryParse(ReadOnlySpan<char> text, out T value, out string? error);

    public abstract string Format(in T value);

    public T Parse(ReadOnlySpan<char> text) =>
        TryParse(text, out var value, out var error) ? value : throw new FormatException(error);

    public override string? TryNormalize(ReadOnlySpan<char> raw, out string? error) =>
        TryParse(raw.Trim(), out var value, out error) ? Format(value) : null;
}

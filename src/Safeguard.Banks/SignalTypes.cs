using System.Diagnostics.CodeAnalysis;

namespace Safeguard.Banks;

/// <summary>A kind of hash a bank can hold, with the rule its values must follow.</summary>
public sealed record SignalType(string Name, int HexLength)
{
    /// <summary>For values that are not one fixed-length hex string (e.g. vpdq's frame list).</summary>
    public SignalNormalizer? Normalizer { get; init; }

    /// <summary>Lower-cases and checks a value; returns null and a reason when it is not valid.</summary>
    public string? TryNormalize(ReadOnlySpan<char> raw, out string? error)
    {
        if (Normalizer is not null) return Normalizer(raw.Trim().ToString(), out error);
        raw = raw.Trim();
        if (raw.Length != HexLength)
        {
            error = $"{Name} hash must be {HexLength} hex digits, got {raw.Length} characters";
            return null;
        }
        Span<char> lower = raw.Length <= 256 ? stackalloc char[raw.Length] : new char[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            char c = raw[i];
            if (c is >= '0' and <= '9' or >= 'a' and <= 'f') lower[i] = c;
            else if (c is >= 'A' and <= 'F') lower[i] = (char)(c + 32);
            else
            {
                error = $"{Name} hash has a non-hex character at position {i + 1}";
                return null;
            }
        }
        error = null;
        return new string(lower);
    }

    public override string ToString() => Name;
}

/// <summary>Checks and canonicalises a raw value; null and a reason when it is not valid.</summary>
public delegate string? SignalNormalizer(string raw, out string? error);

/// <summary>
/// The signal types Safeguard knows. New types (vpdq, video_md5, ...) are added with <see cref="Register"/>.
/// </summary>
public static class SignalTypes
{
    public static readonly SignalType Pdq = new("pdq", 64);
    public static readonly SignalType Md5 = new("md5", 32);
    public static readonly SignalType Sha1 = new("sha1", 40);
    public static readonly SignalType Sha256 = new("sha256", 64);

    private static readonly Dictionary<string, SignalType> ByName = new(StringComparer.OrdinalIgnoreCase);

    // Spellings used by other tools for the same types (HMA, VICS hash names).
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["photo_pdq"] = "pdq", ["pdq_photo"] = "pdq",
        ["sha-1"] = "sha1", ["sha-256"] = "sha256", ["md-5"] = "md5",
    };

    static SignalTypes()
    {
        foreach (var t in new[] { Pdq, Md5, Sha1, Sha256 }) Register(t);
        foreach (var t in VideoSignalTypes.All) Register(t);
    }

    public static IReadOnlyCollection<SignalType> All
    {
        get { lock (ByName) return ByName.Values.ToArray(); }
    }

    public static void Register(SignalType type)
    {
        lock (ByName) ByName[type.Name] = type;
    }

    public static bool TryGet(string? name, [NotNullWhen(true)] out SignalType? type)
    {
        type = null;
        if (string.IsNullOrWhiteSpace(name)) return false;
        name = name.Trim();
        if (Aliases.TryGetValue(name, out var canonical)) name = canonical;
        lock (ByName) return ByName.TryGetValue(name, out type);
    }

    public static SignalType Get(string name) =>
        TryGet(name, out var t) ? t : throw new ArgumentException($"unknown signal type '{name}' (known: {string.Join(", ", All.Select(x => x.Name))})");

    /// <summary>
    /// Guesses a type from a bare hex value's length: 32 md5, 40 sha1, 64 pdq unless
    /// <paramref name="for64"/> says otherwise (sha256 and pdq share that length).
    /// </summary>
    public static SignalType? InferFromLength(int length, SignalType? for64 = null) => length switch
    {
        32 => Md5,
        40 => Sha1,
        64 => for64 ?? Pdq,
        _ => null,
    };
}

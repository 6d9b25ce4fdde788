using System.Diagnostics.CodeAnalysis;
using Safeguard.Signals.Exact;
using Safeguard.Signals.Md5;
using Safeguard.Signals.Pdq;
using Safeguard.Signals.Sha1;
using Safeguard.Signals.Sha256;
using Safeguard.Signals.Tmk;
using Safeguard.Signals.VideoMd5;
using Safeguard.Signals.Vpdq;

namespace Safeguard.Signals;

/// <summary>The signal types Safeguard knows, by name and alias. A new type is one line in <see cref="All"/>.</summary>
public static class SignalTypes
{
    public static readonly PdqSignal Pdq = new();
    public static readonly Md5Signal Md5 = new();
    public static readonly Sha1Signal Sha1 = new();
    public static readonly Sha256Signal Sha256 = new();
    public static readonly VideoMd5Signal VideoMd5 = new();
    public static readonly VpdqSignal Vpdq = new();
    public static readonly TmkSignal Tmk = new();

    /// <summary>The built-in types, in the order outputs list them: one line each.</summary>
    private static readonly SignalType[] BuiltIn =
    [
        Pdq,
        Md5,
        Sha1,
        Sha256,
        VideoMd5,
        Vpdq,
        Tmk,
    ];

    // Copy-on-write: lookups (one per stored entry on an index load) read a snapshot without a lock.
    private static readonly object Writer = new();
    private static SignalType[] s_all = BuiltIn;
    private static Dictionary<string, SignalType> s_byName = Names(BuiltIn);

    private static Dictionary<string, SignalType> Names(IEnumerable<SignalType> types)
    {
        var names = new Dictionary<string, SignalType>(StringComparer.OrdinalIgnoreCase);
        foreach (var t in types)
        {
            names[t.Name] = t;
            foreach (var alias in t.Aliases) names[alias] = t;
        }
        return names;
    }

    /// <summary>Every known type: the built-in ones, then any registered at run time.</summary>
    public static IReadOnlyList<SignalType> All => Volatile.Read(ref s_all);

    /// <summary>Adds a type at run time (a list's own digest type); its name and aliases must be new.</summary>
    public static void Register(SignalType type)
    {
        lock (Writer)
        {
            if (s_byName.TryGetValue(type.Name, out var existing))
            {
                if (ReferenceEquals(existing, type)) return;
                throw new ArgumentException($"signal type '{type.Name}' is already registered");
            }
            var all = s_all.Append(type).ToArray();
            Volatile.Write(ref s_byName, Names(all));
            Volatile.Write(ref s_all, all);
        }
    }

    public static bool TryGet(string? name, [NotNullWhen(true)] out SignalType? type)
    {
        type = null;
        if (string.IsNullOrWhiteSpace(name)) return false;
        return Volatile.Read(ref s_byName).TryGetValue(name.Trim(), out type);
    }

    /// <summary>The type of a stored entry: the registered one, or an opaque hex type of the value's length.</summary>
    public static SignalType ForStored(string name, int valueLength) =>
        TryGet(name, out var t) ? t : new OtherDigestSignal(name, valueLength / 2);

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

    /// <summary>The hex length of a fixed-length type (pdq and the digests); 0 for a frame list.</summary>
    public static int HexLength(SignalType type) => type switch
    {
        DigestSignal d => d.HexLength,
        PdqSignal => Safeguard.Hashing.Pdq.Hash256.HexLength,
        _ => 0,
    };
}

using Safeguard.Server.Errors;

namespace Safeguard.Server.Matching;

/// <summary>
/// The banks one lookup request matches against: the coin flip over the banks' matching ratios,
/// narrowed by the caller's <c>banks=</c> list. Set by the endpoints' bank selection filter around a lookup
/// route's handler and read by the lookup service's policy, so every lookup path honours it.
/// </summary>
public static class BankSelection
{
    private static readonly AsyncLocal<IReadOnlySet<string>?> s_current = new();

    /// <summary>The request's banks; null: no restriction (every bank).</summary>
    public static IReadOnlySet<string>? Current
    {
        get => s_current.Value;
        internal set => s_current.Value = value;
    }

    /// <summary>
    /// The chosen banks given the known banks' ratios. Null when nothing is excluded, so banks created
    /// since the ratios were read still match. Strict: an unknown name in <paramref name="requested"/> is
    /// a 400 naming it; otherwise unknown names are dropped, as HMA intersects.
    /// </summary>
    public static IReadOnlySet<string>? Choose(IReadOnlyDictionary<string, double> ratios, IReadOnlyCollection<string>? requested, double r, bool bypass, bool strict)
    {
        if (strict && requested is not null)
            foreach (var name in requested)
                if (!ratios.ContainsKey(name)) throw new ValidationException($"banks: no bank named '{name}'");
        var taking = ratios.Where(kv => CoinFlip.TakesPart(kv.Value, r, bypass)).Select(kv => kv.Key);
        if (requested is not null) return new HashSet<string>(taking.Intersect(requested, StringComparer.Ordinal), StringComparer.Ordinal);
        var set = new HashSet<string>(taking, StringComparer.Ordinal);
        return set.Count == ratios.Count ? null : set;
    }

    /// <summary>The comma-separated <c>banks=</c> value as names (empty parts dropped); null when absent or empty.</summary>
    public static IReadOnlyCollection<string>? ParseList(string? banks)
    {
        if (string.IsNullOrWhiteSpace(banks)) return null;
        if (banks.Length > 64 * 1024) throw new ValidationException("banks: the list is longer than 65536 characters");
        var names = banks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return names.Length == 0 ? null : names.Distinct(StringComparer.Ordinal).ToList();
    }
}

namespace Safeguard.Payments.Analysis;

/// <summary>
/// The transactions behind one indicator, bounded: the first few and the most recent few ids, and how
/// many there were in all. Ids are copied out of the row only when kept.
/// </summary>
public sealed class Evidence
{
    public const int KeepFirst = 10, KeepLast = 10;

    private readonly List<string> _first = new(4);
    private readonly string[] _last = new string[KeepLast];
    private int _lastCount;

    public long Count { get; private set; }

    public void Add(ReadOnlySpan<char> id)
    {
        Count++;
        if (_first.Count < KeepFirst) { _first.Add(id.ToString()); return; }
        _last[_lastCount++ % KeepLast] = id.ToString();
    }

    /// <summary>The kept ids in the order they were seen.</summary>
    public List<string> Ids()
    {
        var ids = new List<string>(_first);
        int n = Math.Min(_lastCount, KeepLast);
        for (int i = 0; i < n; i++) ids.Add(_last[(_lastCount - n + i) % KeepLast]);
        return ids;
    }

    internal void Restore(IEnumerable<string> ids, long count)
    {
        foreach (var id in ids) Add(id);
        Count = count;
    }
}

/// <summary>Running mean and variance (Welford), for intervals and amounts.</summary>
public struct RunningStats
{
    public long N;
    public double Mean;
    public double M2;

    public void Add(double x)
    {
        N++;
        double d = x - Mean;
        Mean += d / N;
        M2 += d * (x - Mean);
    }

    public readonly double Variance => N > 1 ? M2 / (N - 1) : 0;

    /// <summary>Coefficient of variation (spread relative to the mean); infinity for a zero mean.</summary>
    public readonly double Cv => Mean > 0 ? Math.Sqrt(Variance) / Mean : double.PositiveInfinity;
}

using BenchmarkDotNet.Attributes;
using Safeguard.Matching;

namespace Safeguard.Benchmarks;

/// <summary>
/// MD5 lookups in a 1M-key bank, half hits: ExactIndex.Find and Contains (open addressing over flat arrays)
/// against Dictionary&lt;UInt128, int&gt;. Probes are many and distinct so the table is read from memory.
/// </summary>
[MemoryDiagnoser]
public class ExactIndexBenchmarks
{
    private const int Keys = 1_000_000, KeyLength = 16, Probes = 1 << 16;
    private byte[] _probes = [];
    private UInt128[] _probeKeys = [];
    private ExactIndex _index = null!;
    private Dictionary<UInt128, int> _dictionary = null!;
    private readonly List<int> _found = new(4);

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(5);
        var keys = new byte[Keys * KeyLength];
        rng.NextBytes(keys);
        _index = ExactIndex.Build(KeyLength, keys, Enumerable.Range(0, Keys).ToArray());
        _dictionary = new Dictionary<UInt128, int>(Keys);
        for (int i = 0; i < Keys; i++) _dictionary[Key(keys, i)] = i;
        _probes = new byte[Probes * KeyLength];
        for (int i = 0; i < Probes; i++)
        {
            var probe = _probes.AsSpan(i * KeyLength, KeyLength);
            if (i % 2 == 0) keys.AsSpan(rng.Next(Keys) * KeyLength, KeyLength).CopyTo(probe);
            else rng.NextBytes(probe);
        }
        _probeKeys = Enumerable.Range(0, Probes).Select(i => Key(_probes, i)).ToArray();
        if (Find() != Lookup() || Contains() != Lookup()) throw new InvalidOperationException("ExactIndex and Dictionary disagree");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Probes, Description = "Dictionary<UInt128,int>.TryGetValue")]
    public int Lookup()
    {
        int hits = 0;
        foreach (var key in _probeKeys)
            if (_dictionary.TryGetValue(key, out _)) hits++;
        return hits;
    }

    [Benchmark(OperationsPerInvoke = Probes, Description = "ExactIndex.Find")]
    public int Find()
    {
        int hits = 0;
        for (int i = 0; i < Probes; i++)
        {
            _found.Clear();
            hits += _index.Find(_probes.AsSpan(i * KeyLength, KeyLength), _found) > 0 ? 1 : 0;
        }
        return hits;
    }

    [Benchmark(OperationsPerInvoke = Probes, Description = "ExactIndex.Contains")]
    public int Contains()
    {
        int hits = 0;
        for (int i = 0; i < Probes; i++)
            if (_index.Contains(_probes.AsSpan(i * KeyLength, KeyLength))) hits++;
        return hits;
    }

    private static UInt128 Key(byte[] keys, int i) =>
        new(BitConverter.ToUInt64(keys, i * KeyLength), BitConverter.ToUInt64(keys, i * KeyLength + 8));
}

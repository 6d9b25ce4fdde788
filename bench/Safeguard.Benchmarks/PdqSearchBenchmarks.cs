using BenchmarkDotNet.Attributes;
using Safeguard.Hashing.Pdq;
using Safeguard.Matching;

namespace Safeguard.Benchmarks;

/// <summary>
/// PDQ radius search (threshold 31) over seeded random banks of 100k and 1M hashes: PdqIndex
/// against PdqBruteForce, on the same 128 queries (half near a bank member, half random).
/// Times are per query.
/// </summary>
[MemoryDiagnoser]
public class PdqSearchBenchmarks
{
    private const int Queries = 128;
    private const int Threshold = PdqIndex.DefaultThreshold;

    [Params(100_000, 1_000_000)]
    public int BankSize { get; set; }

    private Hash256[] _bank = [], _queries = [];
    private int[] _ids = [];
    private PdqIndex _index = null!;
    private readonly List<PdqMatch> _results = new(1024), _expected = new(1024);

    [GlobalSetup]
    public void Setup()
    {
        _bank = SeededHashes.Random(BankSize, seed: 31);
        _ids = Enumerable.Range(0, BankSize).ToArray();
        _queries = SeededHashes.Queries(_bank, Queries, seed: 32);
        _index = PdqIndex.Build(_bank, _ids);
        foreach (var q in _queries)
        {
            _index.Search(q, Threshold, _results);
            PdqBruteForce.Search(_bank, _ids, q, Threshold, _expected);
            if (!_results.SequenceEqual(_expected)) throw new InvalidOperationException("index and brute force disagree");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Queries, Description = "PdqBruteForce.Search")]
    public int BruteForce()
    {
        int found = 0;
        foreach (var q in _queries)
        {
            PdqBruteForce.Search(_bank, _ids, q, Threshold, _results);
            found += _results.Count;
        }
        return found;
    }

    [Benchmark(OperationsPerInvoke = Queries, Description = "PdqIndex.Search")]
    public int Index()
    {
        int found = 0;
        foreach (var q in _queries)
        {
            _index.Search(q, Threshold, _results);
            found += _results.Count;
        }
        return found;
    }
}

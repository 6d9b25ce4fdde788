using System.Diagnostics;
using Safeguard.Hashing.Pdq;
using Safeguard.Matching;

namespace Safeguard.Cli.Bench;

/// <param name="GenerateCount">When above 0, the bank and queries are made in memory as <c>bench make-bank --count N --seed Seed</c> would write them, and the files are not read.</param>
public sealed record MatchBenchmarkOptions(
    string? BankFile, string? QueryFile, int Threshold = PdqIndex.DefaultThreshold,
    double SecondsPerPhase = 3, int BruteForceQueries = 200, int ExactKeys = 1_000_000, int MaxQueries = 0,
    int IncrementalAdds = 100_000, string? SnapshotFile = null, int GenerateCount = 0, int Seed = 1);

/// <summary>
/// Measures the PDQ index against a brute-force scan on the same bank and queries, plus the
/// exact (MD5/SHA) index. Prints one "name: value" line per figure.
/// </summary>
public static class MatchBenchmark
{
    public static void Run(MatchBenchmarkOptions options, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var (bank, queries, source) = LoadBank(options);
        if (queries.Length == 0) throw new FormatException($"{options.QueryFile}: no queries");
        if (options.MaxQueries > 0 && queries.Length > options.MaxQueries) queries = queries[..options.MaxQueries];
        var ids = Enumerable.Range(0, bank.Length).ToArray();
        output.WriteLine($"machine: {Environment.ProcessorCount} cores, {CpuModel()}, .NET {Environment.Version}");
        output.WriteLine($"bank: {bank.Length:N0} hashes {source.Bank} in {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine($"queries: {queries.Length:N0} {source.Queries}; threshold {options.Threshold}");

        long heapBefore = HeapBytes();
        long workingSetBefore = Environment.WorkingSet;
        long? hugeBefore = HugePages.ProcessBytes();
        clock.Restart();
        // The bank index's way in: hashes collected in chunks, copied once into the tables (ids = bank order).
        var builder = new PdqIndexBuilder();
        foreach (ref readonly var hash in bank.AsSpan()) builder.Add(hash);
        var index = builder.Build();
        double buildSeconds = clock.Elapsed.TotalSeconds;
        long? hugeAfter = HugePages.ProcessBytes();
        long heapDelta = HeapBytes() - heapBefore;
        long workingSetDelta = Environment.WorkingSet - workingSetBefore;
        output.WriteLine($"build: {buildSeconds:F2} s");
        // A bank index also keeps each row's 8-byte entry id beside the tables: that is all it holds per PDQ entry.
        output.WriteLine($"memory, all index state: {Per(index.MemoryBytes, bank.Length) + RowMapBytesPerHash:F1} bytes/hash "
            + $"(tables {Per(index.MemoryBytes, bank.Length):F1} + row map {RowMapBytesPerHash})");
        output.WriteLine($"memory: {Per(index.MemoryBytes, bank.Length):F1} bytes/hash in index tables, "
            + $"{Per(workingSetDelta, bank.Length):F1} bytes/hash process working-set delta "
            + $"(of which managed heap {Per(heapDelta, bank.Length):F1})");
        output.WriteLine($"memory on 2 MB pages: {HugePages.DescribeShare(hugeBefore, hugeAfter, index.MemoryBytes)} of the index tables");
        output.WriteLine($"plan: {index.DescribePlan(options.Threshold)}");
        // Why lookups/s fall faster than the candidate counts grow: a random read costs more the more memory it spans.
        int small = Math.Min(bank.Length, 10_000_000);
        output.WriteLine($"random 32-byte reads: {RandomReadProbe.NanosecondsPerRead(bank.Length):F1} ns each over {bank.Length * 32.0 / 1e9:F2} GB "
            + $"(the bank's hashes), {RandomReadProbe.NanosecondsPerRead(small):F1} ns over {small * 32.0 / 1e9:F2} GB");
        var (singleRate, totalMatches) = Throughput(index, queries, options.Threshold, 1, options.SecondsPerPhase);
        output.WriteLine($"index lookups/s, 1 thread: {singleRate:N0} ({totalMatches:N0} matches per pass over the queries)");
        int threads = Environment.ProcessorCount;
        var (parallelRate, _) = Throughput(index, queries, options.Threshold, threads, options.SecondsPerPhase);
        output.WriteLine($"index lookups/s, {threads} threads: {parallelRate:N0}");

        var (bruteRate, checkedQueries, disagreements) = BruteForce(index, bank, ids, queries, options);
        output.WriteLine($"brute force lookups/s, 1 thread: {bruteRate:N1} (on {checkedQueries} queries)");
        output.WriteLine($"index vs brute force: {singleRate / bruteRate:N0}x faster; results "
            + (disagreements == 0 ? $"identical on all {checkedQueries} queries" : $"DIFFER on {disagreements} queries"));

        // Read back from its snapshot, the index then takes the incremental phase.
        if (options.SnapshotFile is { } snapshotFile && ColdStart(ref index, queries, snapshotFile, options, output) != 0)
            throw new InvalidOperationException("the index read back from its snapshot differs from the built one");

        Incremental(index, bank, queries, options, output);

        foreach (var (name, length) in new[] { ("md5", 16), ("sha1", 20), ("sha256", 32) })
        {
            var (rate, keys, bytesPerKey) = ExactLookups(length, Math.Min(options.ExactKeys, Math.Max(bank.Length, 1000)), options.SecondsPerPhase / 2);
            output.WriteLine($"exact {name} lookups/s, 1 thread: {rate:N0} ({keys:N0} keys, {bytesPerKey:F0} bytes/key, half hits)");
        }
        if (disagreements != 0) throw new InvalidOperationException("index results differ from brute force");
    }

    private const int RowMapBytesPerHash = 8;

    /// <summary>The bank and queries: read from their files, or made as <c>bench make-bank</c> makes them (saves minutes of hex parsing at 100M).</summary>
    private static (Hash256[] Bank, Hash256[] Queries, (string Bank, string Queries) Source) LoadBank(MatchBenchmarkOptions options)
    {
        if (options.GenerateCount > 0)
        {
            var generated = SyntheticBank.Generate(options.GenerateCount, MakeBank.DefaultClusterShare, options.Seed);
            var made = SyntheticBank.Queries(generated, MakeBank.DefaultQueryCount, MakeBank.DefaultHitShare, options.Seed);
            return (generated, made, ($"made (seed {options.Seed}, as bench make-bank)", "made with the bank"));
        }
        string bankFile = options.BankFile ?? throw new ArgumentException("a bank file or a count to generate is needed");
        string queryFile = options.QueryFile ?? throw new ArgumentException("a query file is needed with a bank file");
        return (HashListFile.Read(bankFile), HashListFile.Read(queryFile), ($"from {bankFile}, read", $"from {queryFile}"));
    }

    /// <summary>
    /// Writes the built index's tables to a file and reads them back as a start would (no build),
    /// then checks the read-back index gives the built one's answers; returns the number of disagreements.
    /// </summary>
    private static int ColdStart(ref PdqIndex index, Hash256[] queries, string path, MatchBenchmarkOptions options, TextWriter output)
    {
        int count = index.Count;
        // The built index's answers (checked against brute force above) are what the read-back one must give.
        int checkedQueries = Math.Min(200, queries.Length);
        var expected = new List<PdqMatch>[checkedQueries];
        for (int q = 0; q < checkedQueries; q++)
        {
            expected[q] = [];
            index.Search(queries[q], options.Threshold, expected[q]);
        }
        var clock = Stopwatch.StartNew();
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            index.WriteTo(file);
            file.Flush(flushToDisk: true);
        }
        double writeSeconds = clock.Elapsed.TotalSeconds;
        long bytes = new FileInfo(path).Length;
        // A start has one copy in memory, not two: the built index goes before the read.
        index = null!;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        clock.Restart();
        PdqIndex loaded;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
            loaded = PdqIndex.ReadFrom(file, count);
        double readSeconds = clock.Elapsed.TotalSeconds;
        var actual = new List<PdqMatch>();
        int disagreements = 0;
        for (int q = 0; q < checkedQueries; q++)
        {
            loaded.Search(queries[q], options.Threshold, actual);
            if (!expected[q].SequenceEqual(actual)) disagreements++;
        }
        index = loaded;
        output.WriteLine($"snapshot: {bytes / 1e9:F2} GB written in {writeSeconds:F1} s; read back (checked, no build) in {readSeconds:F1} s "
            + "(the file just written, so largely in the page cache); " + (disagreements == 0 ? $"answers identical to the built index on {checkedQueries} queries" : $"DIFFERS on {disagreements} queries"));
        File.Delete(path);
        return disagreements;
    }

    /// <summary>Adds then removes entries one at a time on the built index, and checks searches stay exact.</summary>
    private static void Incremental(PdqIndex index, Hash256[] bank, Hash256[] queries, MatchBenchmarkOptions options, TextWriter output)
    {
        int adds = options.IncrementalAdds;
        if (adds <= 0) return;
        var added = SyntheticBank.Queries(bank, adds, 0.5, seed: 7);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < adds; i++) index.Add(added[i], bank.Length + i);
        double addRate = adds / clock.Elapsed.TotalSeconds;
        var (afterAdds, _) = Throughput(index, queries, options.Threshold, 1, options.SecondsPerPhase / 2);
        clock.Restart();
        int removes = adds / 2, removed = 0;
        for (int i = 0; i < removes; i++) removed += index.Remove(added[2 * i], bank.Length + 2 * i);
        double removeRate = removes / clock.Elapsed.TotalSeconds;
        if (removed != removes) throw new InvalidOperationException($"removed {removed} of {removes} added entries");

        // The live set is now the bank plus the odd-numbered additions: compare with brute force.
        var live = new Hash256[bank.Length + adds - removes];
        var ids = new int[live.Length];
        bank.CopyTo(live, 0);
        for (int i = 0; i < bank.Length; i++) ids[i] = i;
        for (int i = 1, n = bank.Length; i < adds; i += 2, n++) { live[n] = added[i]; ids[n] = bank.Length + i; }
        var expected = new List<PdqMatch>();
        var actual = new List<PdqMatch>();
        int checkedQueries = Math.Min(20, queries.Length), disagreements = 0;
        for (int q = 0; q < checkedQueries; q++)
        {
            PdqBruteForce.Search(live, ids, queries[q], options.Threshold, expected);
            index.Search(queries[q], options.Threshold, actual);
            if (!expected.SequenceEqual(actual)) disagreements++;
        }
        output.WriteLine($"incremental: {addRate:N0} adds/s, {removeRate:N0} removes/s one at a time; "
            + $"{afterAdds:N0} lookups/s (1 thread) after {adds:N0} adds, {index.SegmentCount} segments; "
            + (disagreements == 0 ? $"identical to brute force on {checkedQueries} queries" : $"DIFFERS on {disagreements} queries"));
        if (disagreements != 0) throw new InvalidOperationException("index results differ from brute force after updates");
    }

    private static (double Rate, long MatchesPerPass) Throughput(PdqIndex index, Hash256[] queries, int threshold,
        int threads, double seconds)
    {
        long done = 0, matches = 0;
        var clock = Stopwatch.StartNew();
        int passes = 0;
        do
        {
            long passMatches = 0;
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                var results = new List<PdqMatch>();
                long local = 0;
                for (int i = t; i < queries.Length; i += threads)
                {
                    index.Search(queries[i], threshold, results);
                    local += results.Count;
                }
                Interlocked.Add(ref passMatches, local);
            });
            done += queries.Length;
            matches = passMatches;
            passes++;
        } while (clock.Elapsed.TotalSeconds < seconds && passes < 1000);
        return (done / clock.Elapsed.TotalSeconds, matches);
    }

    private static (double Rate, int Checked, int Disagreements) BruteForce(PdqIndex index, Hash256[] bank, int[] ids,
        Hash256[] queries, MatchBenchmarkOptions options)
    {
        var expected = new List<PdqMatch>();
        var actual = new List<PdqMatch>();
        int disagreements = 0, n = 0;
        var spent = TimeSpan.Zero;
        for (; n < Math.Min(options.BruteForceQueries, queries.Length); n++)
        {
            long start = Stopwatch.GetTimestamp();
            PdqBruteForce.Search(bank, ids, queries[n], options.Threshold, expected);
            spent += Stopwatch.GetElapsedTime(start);
            index.Search(queries[n], options.Threshold, actual);
            if (!expected.SequenceEqual(actual)) disagreements++;
            if (spent.TotalSeconds > options.SecondsPerPhase * 2) { n++; break; }
        }
        return (n / spent.TotalSeconds, n, disagreements);
    }

    private static (double Rate, int Keys, double BytesPerKey) ExactLookups(int keyLength, int keyCount, double seconds)
    {
        var rng = new Random(keyLength);
        var keys = new byte[(long)keyCount * keyLength];
        rng.NextBytes(keys);
        var index = ExactIndex.Build(keyLength, keys, Enumerable.Range(0, keyCount).ToArray());
        // Many distinct probes, so the table is read from memory rather than from cache.
        const int probeCount = 1 << 20;
        var probes = new byte[probeCount * keyLength];
        for (int i = 0; i < probeCount; i++)
        {
            var probe = probes.AsSpan(i * keyLength, keyLength);
            if (i % 2 == 0) keys.AsSpan(rng.Next(keyCount) * keyLength, keyLength).CopyTo(probe);
            else rng.NextBytes(probe);
        }
        var found = new List<int>();
        long lookups = 0, hits = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            for (int i = 0; i < probeCount; i++)
            {
                found.Clear();
                hits += index.Find(probes.AsSpan(i * keyLength, keyLength), found);
            }
            lookups += probeCount;
        }
        if (hits < lookups / 2) throw new InvalidOperationException($"exact index lost keys: {hits} hits in {lookups} lookups");
        return (lookups / clock.Elapsed.TotalSeconds, keyCount, (double)index.MemoryBytes / keyCount);
    }

    private static long HeapBytes()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static double Per(long bytes, int count) => count == 0 ? 0 : (double)bytes / count;

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown CPU" : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { return "unknown CPU"; }
        catch (UnauthorizedAccessException) { return "unknown CPU"; }
    }
}

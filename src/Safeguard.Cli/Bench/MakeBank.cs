using Safeguard.Banks;
using Safeguard.Hashing.Pdq;
using Safeguard.Signals;
using Safeguard.Storage.Banks;
using Safeguard.Storage.Sqlite;

namespace Safeguard.Cli.Bench;

/// <summary>Writes a synthetic bank file and a matching query file.</summary>
public static class MakeBank
{
    public const double DefaultClusterShare = 0.3;
    public const int DefaultQueryCount = 10_000;
    public const double DefaultHitShare = 0.5;

    /// <summary>The steps <see cref="Run"/> reports as it starts each (a 100M-hash bank takes minutes).</summary>
    public static readonly string[] Steps = ["generating the bank", "writing the bank", "generating the queries", "writing the queries"];

    public static Hash256[] Run(int count, string bankPath, double clusterShare, int seed, int queryCount, string queryPath,
        double hitShare, TextWriter output, Action<int>? starting = null)
    {
        starting?.Invoke(0);
        var bank = SyntheticBank.Generate(count, clusterShare, seed);
        starting?.Invoke(1);
        HashListFile.Write(bankPath, bank);
        starting?.Invoke(2);
        var queries = SyntheticBank.Queries(bank, queryCount, hitShare, seed);
        starting?.Invoke(3);
        HashListFile.Write(queryPath, queries);
        output.WriteLine($"wrote {bank.Length:N0} hashes ({clusterShare:P0} in near-duplicate clusters) to {bankPath}");
        output.WriteLine($"wrote {queries.Length:N0} queries ({hitShare:P0} near-hits within {SyntheticBank.MaxNearHitFlips} bits) to {queryPath}");
        return bank;
    }

    /// <summary>The bank as PDQ entries of bank "bench" in a new SQLite database, loaded the fast way (ids in bank-file order).</summary>
    public static async Task LoadDatabaseAsync(string dbPath, Hash256[] bank, TextWriter output)
    {
        if (File.Exists(dbPath)) throw new IOException($"{dbPath} exists; --db makes a new database");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int distinct;
        await using (var store = await BankStores.OpenAsync(dbPath))
        {
            await store.CreateBankAsync("bench");
            // A cluster's variants can repeat a hash; the bank holds each value once.
            var seen = new HashSet<Hash256>(bank.Length);
            await SqliteBenchLoader.LoadAsync((SqliteBankStore)store, "bench",
                bank.Where(seen.Add).Select(h => new EntryRecord(SignalTypes.Pdq, h.ToString())));
            distinct = seen.Count;
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        output.WriteLine($"loaded {distinct:N0} distinct PDQ entries into bank 'bench' of {dbPath} in {clock.Elapsed.TotalSeconds:F1} s");
    }
}

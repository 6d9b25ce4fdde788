namespace Safeguard.Cli.Bench;

/// <summary>Writes a synthetic bank file and a matching query file.</summary>
public static class MakeBank
{
    /// <summary>The steps <see cref="Run"/> reports as it starts each (a 100M-hash bank takes minutes).</summary>
    public static readonly string[] Steps = ["generating the bank", "writing the bank", "generating the queries", "writing the queries"];

    public static void Run(int count, string bankPath, double clusterShare, int seed, int queryCount, string queryPath,
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
    }
}

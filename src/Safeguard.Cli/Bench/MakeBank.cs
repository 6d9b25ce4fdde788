namespace Safeguard.Cli.Bench;

/// <summary>Writes a synthetic bank file and a matching query file.</summary>
public static class MakeBank
{
    public static void Run(int count, string bankPath, double clusterShare, int seed, int queryCount, string queryPath,
        double hitShare, TextWriter output)
    {
        var bank = SyntheticBank.Generate(count, clusterShare, seed);
        HashListFile.Write(bankPath, bank);
        var queries = SyntheticBank.Queries(bank, queryCount, hitShare, seed);
        HashListFile.Write(queryPath, queries);
        output.WriteLine($"wrote {bank.Length:N0} hashes ({clusterShare:P0} in near-duplicate clusters) to {bankPath}");
        output.WriteLine($"wrote {queries.Length:N0} queries ({hitShare:P0} near-hits within {SyntheticBank.MaxNearHitFlips} bits) to {queryPath}");
    }
}

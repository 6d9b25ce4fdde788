using System.CommandLine;
using Safeguard.Cli;
using Safeguard.Cli.Commands;

namespace Safeguard.Cli.Tests;

public class BenchMatchCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-bench-match-").FullName;

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var root = new RootCommand();
        var bench = new Command("bench");
        bench.Add(BenchMatchCommand.Create());
        bench.Add(BenchMakeBankCommand.Create());
        root.Add(bench);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try { return (CommandRunner.Run(root, args), stdout.ToString(), stderr.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }

    [Fact]
    public void Make_bank_then_match_reports_figures_and_agrees_with_brute_force()
    {
        string bank = Path.Combine(_dir, "bank.txt"), queries = Path.Combine(_dir, "queries.txt");
        var made = Run("bench", "make-bank", "--count", "5000", "--out", bank, "--queries", "300", "--query-out", queries, "--seed", "4");
        Assert.Equal(0, made.Exit);
        Assert.Equal(5000, File.ReadLines(bank).Count());
        Assert.Equal(300, File.ReadLines(queries).Count());

        var result = Run("bench", "match", "--bank-file", bank, "--query-file", queries, "--seconds", "0.05", "--adds", "2000");
        Assert.True(result.Exit == 0, result.Err);
        Assert.Contains("index lookups/s, 1 thread:", result.Out);
        Assert.Contains("memory on 2 MB pages: ", result.Out);
        Assert.Contains("results identical on all", result.Out);
        Assert.Contains("exact md5 lookups/s", result.Out);
        Assert.DoesNotContain("DIFFER", result.Out);
    }

    [Fact]
    public async Task Make_bank_with_a_database_loads_the_distinct_hashes_and_match_reads_back_its_snapshot()
    {
        string bank = Path.Combine(_dir, "db", "bank.txt"), db = Path.Combine(_dir, "db", "bank.db");
        var made = Run("bench", "make-bank", "--count", "12000", "--out", bank, "--queries", "200", "--seed", "5", "--db", db);
        Assert.True(made.Exit == 0, made.Err);
        int distinct = File.ReadLines(bank).Distinct().Count();
        Assert.Contains($"loaded {distinct:N0} distinct PDQ entries", made.Out);
        await using (var store = await Safeguard.Storage.Banks.BankStores.OpenAsync(db))
        {
            var stats = await store.GetStatsAsync("bench");
            Assert.Equal(distinct, stats.EnabledByType["pdq"]);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Assert.Equal(2, Run("bench", "make-bank", "--count", "10", "--out", bank, "--db", db).Exit); // never over an existing database

        string snapshot = Path.Combine(_dir, "db", "index.bin");
        var result = Run("bench", "match", "--bank-file", bank, "--query-file", Path.ChangeExtension(bank, ".queries.txt"),
            "--seconds", "0.05", "--adds", "1000", "--snapshot", snapshot);
        Assert.True(result.Exit == 0, result.Err);
        Assert.Contains("answers identical to the built index on 200 queries", result.Out);
        Assert.Contains("memory, all index state:", result.Out);
        Assert.DoesNotContain("DIFFER", result.Out);
        Assert.False(File.Exists(snapshot));
    }

    [Fact]
    public void Make_bank_reports_its_steps_on_stderr_and_keeps_stdout_to_its_summary()
    {
        string bank = Path.Combine(_dir, "progress", "bank.txt");
        var r = SafeguardProcess.Run(["bench", "make-bank", "--count", "2000000", "--out", bank, "--queries", "10"],
            env: new Dictionary<string, string> { ["SAFEGUARD_PROGRESS_INTERVAL"] = "0.001" });
        Assert.Equal(0, r.Exit);
        Assert.Equal(2, r.OutLines.Length);
        Assert.StartsWith("wrote ", r.OutLines[0]);
        Assert.Contains(r.ErrLines, l => l.StartsWith("safeguard: bench make-bank: ", StringComparison.Ordinal) && l.Contains("steps", StringComparison.Ordinal));
        Assert.Equal(2_000_000, File.ReadLines(bank).Count());
    }

    [Fact]
    public void Make_bank_makes_missing_output_folders()
    {
        string bank = Path.Combine(_dir, "out", "deeper", "bank.txt");
        var made = Run("bench", "make-bank", "--count", "10", "--out", bank, "--queries", "3");
        Assert.True(made.Exit == 0, made.Err);
        Assert.Equal(10, File.ReadLines(bank).Count());
        Assert.Equal(3, File.ReadLines(Path.Combine(_dir, "out", "deeper", "bank.queries.txt")).Count());
    }

    [Fact]
    public void Random_fill_in_chunks_gives_the_bytes_of_one_call_so_seeds_keep_their_banks()
    {
        // More than two chunks; one call over the whole array is the independent computation.
        var chunked = new Safeguard.Hashing.Pdq.Hash256[Bench.SyntheticBank.FillChunk * 2 + 12345];
        Bench.SyntheticBank.RandomFill(chunked, new Random(9));
        var whole = new byte[chunked.Length * 32];
        new Random(9).NextBytes(whole);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.AsBytes(chunked.AsSpan()).SequenceEqual(whole));
    }

    [Fact]
    public void A_corrupt_bank_line_is_reported_with_file_and_line()
    {
        string bank = Path.Combine(_dir, "bad.txt");
        File.WriteAllLines(bank, [new string('a', 64), "pdq " + new string('b', 64), "not-a-hash"]);
        var result = Run("bench", "match", "--bank-file", bank, "--query-file", bank);
        Assert.Equal(1, result.Exit);
        Assert.Contains("bad.txt:3", result.Err);
    }

    [Fact]
    public void Bad_options_exit_2()
    {
        Assert.Equal(2, Run("bench", "match", "--bank-file", Path.Combine(_dir, "missing.txt"), "--query-file", "x").Exit);
        Assert.Equal(2, Run("bench", "make-bank", "--count", "0", "--out", Path.Combine(_dir, "b.txt")).Exit);
        Assert.Equal(2, Run("bench", "make-bank", "--count", "10", "--out", Path.Combine(_dir, "b.txt"), "--cluster-share", "2").Exit);
        Assert.Equal(2, Run("bench", "match").Exit); // neither files nor --generate
        Assert.Equal(2, Run("bench", "match", "--generate", "100", "--bank-file", Path.Combine(_dir, "b.txt")).Exit);
        Assert.Equal(2, Run("bench", "match", "--generate", "-1").Exit);
        var seedAlone = Run("bench", "match", "--bank-file", Path.Combine(_dir, "b.txt"), "--query-file", "x", "--seed", "3");
        Assert.Equal(2, seedAlone.Exit); // a seed with nothing to generate
        Assert.Contains("--seed", seedAlone.Err);
        var huge = Run("bench", "match", "--generate", int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2, huge.Exit); // refused before allocating, naming the memory it would need
        Assert.Contains("GB", huge.Err);
    }

    /// <summary>The generated bank is the one make-bank writes for the seed: same match count per pass over the same queries.</summary>
    [Fact]
    public void Generate_matches_what_make_bank_writes_for_the_seed()
    {
        string bank = Path.Combine(_dir, "g.txt");
        Assert.Equal(0, Run("bench", "make-bank", "--count", "6000", "--out", bank, "--seed", "7").Exit);
        var fromFiles = Run("bench", "match", "--bank-file", bank, "--query-file", Path.Combine(_dir, "g.queries.txt"),
            "--seconds", "0.05", "--adds", "0", "--brute-queries", "50");
        var generated = Run("bench", "match", "--generate", "6000", "--seed", "7", "--seconds", "0.05", "--adds", "0", "--brute-queries", "50");
        Assert.True(fromFiles.Exit == 0 && generated.Exit == 0, fromFiles.Err + generated.Err);
        static string Matches(string output) =>
            output.Split('\n').Single(l => l.StartsWith("index lookups/s, 1 thread:", StringComparison.Ordinal)).Split('(')[1];
        Assert.Equal(Matches(fromFiles.Out), Matches(generated.Out));
        Assert.Contains("made (seed 7", generated.Out);
        // Another seed is another bank.
        var other = Run("bench", "match", "--generate", "6000", "--seed", "8", "--seconds", "0.05", "--adds", "0", "--brute-queries", "5");
        Assert.NotEqual(Matches(fromFiles.Out), Matches(other.Out));
    }
}

using Safeguard.Hashing.Pdq;

namespace Safeguard.Matching.Tests;

/// <summary>
/// A built index written with <see cref="PdqIndex.WriteTo"/> and read back with
/// <see cref="PdqIndex.ReadFrom"/> answers as brute force does at every threshold, and takes
/// updates; a damaged shape is refused.
/// </summary>
public sealed class PdqIndexSnapshotTests
{
    private static PdqIndex Build(Hash256[] bank)
    {
        var builder = new PdqIndexBuilder();
        foreach (var h in bank) builder.Add(h);
        return builder.Build();
    }

    private static byte[] Write(PdqIndex index)
    {
        using var stream = new MemoryStream();
        index.WriteTo(stream);
        // A layout forced at a test size differs from the one the size chooses.
        if (!index.DescribePlan(31).Contains("9 slices")) Assert.Equal(PdqIndex.WrittenLength(index.Count), stream.Length);
        return stream.ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5000)]
    [InlineData(30000)]
    public void Read_back_tables_equal_brute_force_at_every_threshold_and_take_updates(int count)
    {
        var rng = new Random(count);
        var bank = TestBanks.Clustered(count, rng);
        var ids = Enumerable.Range(0, count).ToArray();
        var loaded = PdqIndex.ReadFrom(new MemoryStream(Write(Build(bank))), count);
        Assert.True(loaded.IsCompact);
        var queries = TestBanks.Queries(bank, 30, rng);
        var expected = new List<PdqMatch>();
        var actual = new List<PdqMatch>();
        for (int threshold = 0; threshold <= 63; threshold++)
            foreach (var q in queries.Take(threshold % 8 == 0 ? 30 : 4))
            {
                PdqBruteForce.Search(bank, ids, q, threshold, expected);
                loaded.Search(q, threshold, actual);
                Assert.Equal(expected, actual);
            }

        // Adds and removals on the read-back index stay exact.
        var added = TestBanks.Uniform(100, rng);
        for (int i = 0; i < added.Length; i++) loaded.Add(added[i], count + i);
        Assert.Equal(1, loaded.Remove(bank[0], 0));
        var live = bank.Skip(1).Concat(added).ToArray();
        var liveIds = ids.Skip(1).Concat(Enumerable.Range(count, added.Length)).ToArray();
        foreach (var q in queries.Concat(added.Take(5)))
        {
            PdqBruteForce.Search(live, liveIds, q, 31, expected);
            loaded.Search(q, 31, actual);
            Assert.Equal(expected, actual);
        }
    }

    /// <summary>Large segments use nine slices; forced at a test size, the layout survives the file and stays exact.</summary>
    [Fact]
    public void Nine_slice_tables_read_back_with_their_layout_and_equal_brute_force()
    {
        var rng = new Random(9);
        var bank = TestBanks.Clustered(12000, rng);
        var ids = Enumerable.Range(0, bank.Length).ToArray();
        var built = PdqIndex.Build(bank, ids, PdqIndex.DefaultOverlayCapacity, allowBruteForce: false, SliceLayout.Nine);
        var bytes = Write(built);
        Assert.Contains("9 slices", built.DescribePlan(31));
        var loaded = PdqIndex.ReadFrom(new MemoryStream(bytes), bank.Length);
        Assert.Contains("9 slices", loaded.DescribePlan(31));
        var expected = new List<PdqMatch>();
        var actual = new List<PdqMatch>();
        foreach (var q in TestBanks.Queries(bank, 20, rng))
            foreach (int threshold in new[] { 0, 8, 16, 31, 40 })
            {
                PdqBruteForce.Search(bank, ids, q, threshold, expected);
                loaded.Search(q, threshold, actual);
                Assert.Equal(expected, actual);
            }
    }

    [Fact]
    public void An_index_with_updates_is_written_only_after_compacting_and_its_ids_survive()
    {
        var rng = new Random(3);
        var bank = TestBanks.Clustered(20000, rng);
        var index = Build(bank);
        index.Add(TestBanks.RandomHash(rng), 77777);
        Assert.False(index.IsCompact);
        Assert.Throws<InvalidOperationException>(() => index.WriteTo(new MemoryStream()));
        index.Compact();
        var loaded = PdqIndex.ReadFrom(new MemoryStream(Write(index)), index.Count);
        var expected = new List<PdqMatch>();
        var actual = new List<PdqMatch>();
        foreach (var q in TestBanks.Queries(bank, 20, rng))
        {
            index.Search(q, 31, expected);
            loaded.Search(q, 31, actual);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Damaged_shapes_are_refused()
    {
        var rng = new Random(4);
        var bytes = Write(Build(TestBanks.Clustered(20000, rng)));
        Assert.Throws<InvalidDataException>(() => PdqIndex.ReadFrom(new MemoryStream(bytes), 19999)); // count differs
        Assert.Throws<EndOfStreamException>(() => PdqIndex.ReadFrom(new MemoryStream(bytes[..^10]), 20000));
        var badBits = (byte[])bytes.Clone();
        badBits[8] ^= 1; // the directory bits
        Assert.Throws<InvalidDataException>(() => PdqIndex.ReadFrom(new MemoryStream(badBits), 20000));
        var badSlices = (byte[])bytes.Clone();
        badSlices[12] = 10; // a slice count no layout has
        Assert.Throws<InvalidDataException>(() => PdqIndex.ReadFrom(new MemoryStream(badSlices), 20000));
        badSlices[12] = 9; // another layout: its directory bits differ at this size
        Assert.Throws<InvalidDataException>(() => PdqIndex.ReadFrom(new MemoryStream(badSlices), 20000));
        // A posting pointing past the segment: the last posting's bytes set to all ones.
        var badPosting = (byte[])bytes.Clone();
        badPosting.AsSpan(badPosting.Length - 4).Fill(0xff);
        Assert.Throws<InvalidDataException>(() => PdqIndex.ReadFrom(new MemoryStream(badPosting), 20000));
        // A directory that does not add up to the count.
        int directoryStart = 4 + 12 + 20000 * 36;
        var badDirectory = (byte[])bytes.Clone();
        badDirectory[directoryStart + 8] = 0xff;
        Assert.Throws<InvalidDataException>(() => PdqIndex.ReadFrom(new MemoryStream(badDirectory), 20000));
    }
}

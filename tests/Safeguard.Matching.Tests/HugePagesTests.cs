namespace Safeguard.Matching.Tests;

/// <summary>Reads the whole process's huge-page total, so it runs alone (other tests' tables come and go).</summary>
[CollectionDefinition(nameof(HugePagesTests), DisableParallelization = true)]
[Collection(nameof(HugePagesTests))]
public sealed class HugePagesTests
{
    [Theory]
    [InlineData("AnonHugePages:    739328 kB", 739328L)]
    [InlineData("AnonHugePages:         0 kB", 0L)]
    [InlineData("AnonHugePages: 12 kB", 12L)]
    [InlineData("ShmemHugePages:        4 kB", null)] // another field
    [InlineData("AnonHugePages:    12 MB", null)]     // not the unit the kernel writes
    [InlineData("AnonHugePages:   -5 kB", null)]
    [InlineData("AnonHugePages:  kB", null)]
    public void Reads_the_kernels_kilobyte_lines_and_nothing_else(string line, long? expected) =>
        Assert.Equal(expected, HugePages.ParseKilobytes(line, "AnonHugePages:"));

    [Fact]
    public void The_share_is_the_growth_bounded_by_the_tables()
    {
        Assert.Equal("0.50 of 1.00 GB (50%)", HugePages.DescribeShare(100_000_000, 600_000_000, 1_000_000_000));
        Assert.Equal("1.00 of 1.00 GB (100%)", HugePages.DescribeShare(0, 3_000_000_000, 1_000_000_000)); // other memory grew too
        Assert.Equal("0.00 of 1.00 GB (0%)", HugePages.DescribeShare(500, 100, 1_000_000_000));             // freed elsewhere meanwhile
        Assert.Equal("1.50 of 3.00 MB (50%)", HugePages.DescribeShare(0, 1_500_000, 3_000_000));
        Assert.Equal("not reported on this system", HugePages.DescribeShare(null, 5, 10));
        Assert.Equal("no tables yet", HugePages.DescribeShare(0, 5, 0));
    }

    [Fact]
    public void A_large_native_table_lands_on_huge_pages_where_the_kernel_allows_them()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.NotNull(HugePages.ProcessBytes()); // every Linux kernel with THP writes the rollup line
        string mode = File.Exists("/sys/kernel/mm/transparent_hugepage/enabled")
            ? File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled") : "[never]";
        long before = HugePages.ProcessBytes()!.Value;
        var table = new NativeBuffer<ulong>(8 << 20, zeroed: true); // 64 MB, touched by the zeroing
        long grown = HugePages.ProcessBytes()!.Value - before;
        GC.KeepAlive(table);
        // With THP off nothing can be on huge pages; with "madvise" or "always" the advised table must get some.
        if (mode.Contains("[never]", StringComparison.Ordinal)) Assert.Equal(0, Math.Max(0, grown));
        else Assert.True(grown >= 2 << 20, $"THP is {mode.Trim()} but the 64 MB table got {grown} bytes of huge pages");
    }
}

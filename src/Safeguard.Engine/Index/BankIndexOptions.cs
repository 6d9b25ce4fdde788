namespace Safeguard.Engine.Index;

/// <summary>How a <see cref="BankIndex"/> spends memory.</summary>
public sealed record BankIndexOptions
{
    /// <summary>1 GiB: about 4,000 videos' whole TMK features.</summary>
    public const long DefaultTmkFeatureBudgetBytes = 1L << 30;

    /// <summary>
    /// Bytes of TMK level-2 features (263 KB a video) kept in memory. Entries past it keep only
    /// their pure average (1 KB) in memory, and level 2 reads their value from the store when they
    /// are a level-1 candidate.
    /// </summary>
    public long TmkFeatureBudgetBytes { get; init; } = DefaultTmkFeatureBudgetBytes;

    /// <summary>
    /// A snapshot file of the PDQ index (beside the database): loaded at start when it is valid
    /// for this database, then caught up from the change feed; null: always build from the store.
    /// Writing it is <see cref="BankIndex.SaveSnapshotAsync"/>'s job.
    /// </summary>
    public string? SnapshotPath { get; init; }

    public static BankIndexOptions Default { get; } = new();
}

using Safeguard.Signals;

namespace Safeguard.Banks;

/// <summary>A hash to put into a bank, as read from a list or typed by a user.</summary>
public sealed record EntryRecord(SignalType Type, string Value)
{
    public string? ContentId { get; init; }
    /// <summary>VICS category 0..4, null when unknown.</summary>
    public int? Category { get; init; }
    /// <summary>UK grade A, B or C, null when unknown.</summary>
    public string? Grade { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>A free-text note about the entry (HMA's content note).</summary>
    public string? Note { get; init; }
    /// <summary>Custom key/value metadata; null leaves stored metadata as it is.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
    /// <summary>Where the original media was (HMA's original_media_uri).</summary>
    public string? OriginalMediaUri { get; init; }
    /// <summary>The entry does not match before this time (quarantine of a new signal); null: no wait.</summary>
    public DateTimeOffset? DisableUntil { get; init; }
}

/// <summary>An entry as stored in a bank.</summary>
public sealed record BankEntry
{
    public required long Id { get; init; }
    public required string Bank { get; init; }
    public required string SignalType { get; init; }
    public required string Value { get; init; }
    public string? ContentId { get; init; }
    public int? Category { get; init; }
    public string? Grade { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public string? SourceName { get; init; }
    public string? SourceFile { get; init; }
    public DateTimeOffset AddedAt { get; init; }
    public bool Disabled { get; init; }
    public string? DisabledReason { get; init; }
    /// <summary>The change sequence of the last write to this entry (see <see cref="IBankStore.GetChangesAsync"/>).</summary>
    public long ChangeSeq { get; init; }
    public string? Note { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata;
    public string? OriginalMediaUri { get; init; }
    /// <summary>The entry does not match before this time; null: no wait.</summary>
    public DateTimeOffset? DisableUntil { get; init; }

    public static IReadOnlyDictionary<string, string> EmptyMetadata { get; } = new Dictionary<string, string>();

    public EntryRecord ToRecord() => new(SignalTypes.ForStored(SignalType, Value.Length), Value)
    {
        ContentId = ContentId, Category = Category, Grade = Grade, Tags = Tags,
        Note = Note, Metadata = Metadata, OriginalMediaUri = OriginalMediaUri, DisableUntil = DisableUntil,
    };
}

/// <summary>A bank: a named hash list with its provenance.</summary>
public sealed record BankInfo
{
    public required long Id { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary>Exact hits on a verified list may be confirmed without a human viewing the media.</summary>
    public bool Verified { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>HMA's coin flip: the share (0..1) of lookups this bank takes part in; 1 always, 0 only with bypass_coinflip.</summary>
    public double MatchingEnabledRatio { get; init; } = 1.0;
    /// <summary>Hours a newly added entry waits before it matches, unless its input sets a disable-until (0: none).</summary>
    public int NewEntryQuarantineHours { get; init; }
}

/// <summary>What a bank holds, by signal type.</summary>
public sealed record BankStats(BankInfo Bank, IReadOnlyDictionary<string, long> EnabledByType, long Disabled, IReadOnlyList<SourceSummary> Sources)
{
    public long Enabled => EnabledByType.Values.Sum();
}

public sealed record SourceSummary(string? Name, string? File, DateTimeOffset FirstAdded, long Entries);

/// <summary>Where an import came from, recorded on every entry it adds.</summary>
public sealed record ImportSource(string? Name, string? File);

public sealed record ImportOptions
{
    /// <summary>Treat the input as the bank's complete new state: disable entries absent from it.</summary>
    public bool Replace { get; init; }
    public ImportSource Source { get; init; } = new(null, null);
}

public sealed record ImportResult(long Read, long Added, long Updated, long Unchanged, long Reenabled, long Disabled, long KeptDisabled, long ChangeSeq);

/// <summary>One change since a poller's cursor: an entry written, or an entry removed.</summary>
public sealed record EntryChange(long ChangeSeq, long EntryId, string Bank, string SignalType, string Value, bool Removed, bool Disabled, BankEntry? Entry);

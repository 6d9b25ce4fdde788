using Safeguard.Signals;

namespace Safeguard.Banks.Storage;

/// <summary>
/// Persistent hash banks. Every write is one transaction; every write to an entry gives it the
/// next change sequence, so another node can follow the store with <see cref="GetChangesAsync"/>.
/// </summary>
public interface IBankStore : IAsyncDisposable
{
    /// <summary>"sqlite" or "postgresql".</summary>
    string Kind { get; }

    Task<BankInfo> CreateBankAsync(string name, string? description = null, bool verified = false, CancellationToken ct = default);
    Task<IReadOnlyList<BankInfo>> ListBanksAsync(CancellationToken ct = default);
    Task<BankInfo?> GetBankAsync(string name, CancellationToken ct = default);
    Task<BankStats> GetStatsAsync(string name, CancellationToken ct = default);
    /// <summary>Deletes a bank and its entries; the entries appear as removals in the change feed.</summary>
    Task<bool> DeleteBankAsync(string name, CancellationToken ct = default);

    /// <summary>
    /// Adds entries (streamed; any number) in one transaction. An entry already in the bank (same
    /// signal type and value) is not added again: its metadata is updated where the input has some.
    /// With <see cref="ImportOptions.Replace"/> the input is the bank's full new state and enabled
    /// entries missing from it are disabled. If enumerating <paramref name="entries"/> throws,
    /// nothing is changed and the exception propagates.
    /// </summary>
    Task<ImportResult> ImportAsync(string bank, IEnumerable<EntryRecord> entries, ImportOptions? options = null, CancellationToken ct = default);

    /// <summary>Deletes entries by (type, value); returns how many existed.</summary>
    Task<int> RemoveEntriesAsync(string bank, IEnumerable<(SignalType Type, string Value)> keys, CancellationToken ct = default);

    /// <summary>Disables (reason given) or re-enables (reason null) entries; returns how many changed.</summary>
    Task<int> SetDisabledAsync(string bank, IEnumerable<(SignalType Type, string Value)> keys, bool disabled, string? reason, CancellationToken ct = default);

    /// <summary>Entries of a bank in insertion order, fetched page by page; only one signal type's when <paramref name="signalType"/> is set.</summary>
    /// <remarks>Pages are read with <see cref="ListEntriesAsync"/>, so the whole walk reads each entry once.</remarks>
    IAsyncEnumerable<BankEntry> EnumerateEntriesAsync(string bank, bool includeDisabled = true, int pageSize = 5000, string? signalType = null, CancellationToken ct = default);

    /// <summary>
    /// One page: at most <paramref name="limit"/> entries of a bank with an id greater than <paramref name="afterId"/>,
    /// in id order. Keyset paging in SQL over the (bank_id, id) index, so a deep page costs what the first one does.
    /// </summary>
    Task<IReadOnlyList<BankEntry>> ListEntriesAsync(string bank, long afterId, int limit, bool includeDisabled = true, string? signalType = null, CancellationToken ct = default);

    /// <summary>Looks an exact value up across all banks (or one bank).</summary>
    Task<IReadOnlyList<BankEntry>> FindAsync(SignalType type, string value, string? bank = null, CancellationToken ct = default);

    /// <summary>The highest change sequence written so far (0 for an empty store).</summary>
    Task<long> GetLastChangeSeqAsync(CancellationToken ct = default);

    /// <summary>
    /// Changes with a sequence greater than <paramref name="sinceSeq"/>, oldest first, at most
    /// <paramref name="limit"/>. One write transaction shares one sequence number; to page inside
    /// it pass the last entry id seen as <paramref name="afterEntryId"/> with the same sequence.
    /// </summary>
    Task<IReadOnlyList<EntryChange>> GetChangesAsync(long sinceSeq, long afterEntryId = 0, int limit = 10000, CancellationToken ct = default);

    /// <summary>One entry by id, or null when the bank has no such entry.</summary>
    Task<BankEntry?> GetEntryAsync(string bank, long id, CancellationToken ct = default);

    /// <summary>Changes an entry's note, metadata, original media URI or disable-until; null when the bank has no such entry.</summary>
    Task<BankEntry?> UpdateEntryAsync(string bank, long id, EntryUpdate update, CancellationToken ct = default);

    /// <summary>Deletes one entry by id (a removal in the change feed); false when the bank has no such entry.</summary>
    Task<bool> DeleteEntryAsync(string bank, long id, CancellationToken ct = default);

    /// <summary>Changes a bank's description, matching ratio, new-entry wait or name.</summary>
    Task<BankInfo> UpdateBankAsync(string name, BankUpdate update, CancellationToken ct = default);

    /// <summary>
    /// The changes of one bank (entries added, updated, disabled, removed) after the checkpoint
    /// (<paramref name="sinceSeq"/>, <paramref name="afterEntryId"/>), oldest first, at most
    /// <paramref name="limit"/>, keyset-paged as <see cref="GetChangesAsync"/> is. Throws
    /// <see cref="BankException"/> when the bank does not exist.
    /// </summary>
    Task<IReadOnlyList<EntryChange>> GetBankChangesAsync(string bank, long sinceSeq, long afterEntryId = 0, int limit = 10000, CancellationToken ct = default);

    /// <summary>A random token fixed when the database was made: it tells one database from another (a copy keeps it).</summary>
    Task<string> GetStoreIdentityAsync(CancellationToken ct = default);

    /// <summary>
    /// The enabled entries of one signal type as (entry id, value), in entry id order, over all
    /// banks or the named ones; returns how many were read. One streamed query, for building an
    /// index without materialising entries. Throws <see cref="BankException"/> for a missing bank.
    /// </summary>
    Task<long> ReadIndexRowsAsync(string signalType, IReadOnlyCollection<string>? banks, Action<long, string> row, CancellationToken ct = default);

    /// <summary>The enabled entries of one signal type over all banks or the named ones, streamed in no set order.</summary>
    IAsyncEnumerable<BankEntry> EnumerateEnabledAsync(string signalType, IReadOnlyCollection<string>? banks, CancellationToken ct = default);

    /// <summary>The entries with these ids (any bank; missing ids are left out), in id order.</summary>
    Task<IReadOnlyList<BankEntry>> GetEntriesByIdAsync(IReadOnlyCollection<long> ids, CancellationToken ct = default);

    /// <summary>The applied schema version.</summary>
    Task<int> GetSchemaVersionAsync(CancellationToken ct = default);
}

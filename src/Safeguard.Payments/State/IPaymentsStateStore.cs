namespace Safeguard.Payments.State;

/// <summary>
/// Where per-account payments state lives when several workers share it (PostgreSQL in
/// Safeguard.Storage, or <see cref="InMemoryPaymentsStateStore"/>). Each worker holds its own store.
/// </summary>
public interface IPaymentsStateStore : IDisposable
{
    /// <summary>Starts a unit of work; disposing it without <see cref="IPaymentsStateTransaction.Commit"/> rolls it back.</summary>
    IPaymentsStateTransaction Begin();

    /// <summary>Whether a failure is worth retrying the whole unit (deadlock, serialisation failure, lost connection).</summary>
    bool IsTransient(Exception error);
}

/// <summary>One transaction over the shared state.</summary>
public interface IPaymentsStateTransaction : IDisposable
{
    /// <summary>Records that batch <paramref name="batchId"/> is applied by this transaction; false when a committed one already did.</summary>
    bool Claim(string batchId);

    /// <summary>
    /// Locks the named accounts until commit or rollback (taken in the order given, which must be ordinal
    /// order so that workers never deadlock) and returns the state of those that have any.
    /// </summary>
    IReadOnlyList<AccountStateSnapshot> LoadForUpdate(IReadOnlyList<string> sortedAccounts);

    /// <summary>Writes states of accounts locked by <see cref="LoadForUpdate"/>.</summary>
    void Save(IReadOnlyList<AccountStateSnapshot> states);

    /// <summary>Every stored state, in ordinal order of the account names.</summary>
    IReadOnlyList<AccountStateSnapshot> LoadAll();

    void Commit();
}

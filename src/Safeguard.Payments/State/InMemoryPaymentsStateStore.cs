namespace Safeguard.Payments.State;

/// <summary>
/// The shared state in this process's memory: one writer at a time, changes kept aside until commit. For
/// tests and for running workers as threads of one process.
/// </summary>
public sealed class InMemoryPaymentsStateStore : IPaymentsStateStore
{
    private readonly SortedDictionary<string, byte[]> _states = new(StringComparer.Ordinal);
    private readonly HashSet<string> _batches = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _writer = new(1, 1);

    public int Count { get { lock (_states) return _states.Count; } }

    public IPaymentsStateTransaction Begin() => new Transaction(this);

    public bool IsTransient(Exception error) => false;

    public void Dispose() => _writer.Dispose();

    private sealed class Transaction(InMemoryPaymentsStateStore store) : IPaymentsStateTransaction
    {
        private readonly Dictionary<string, byte[]> _pending = new(StringComparer.Ordinal);
        private readonly List<string> _claimed = [];
        private bool _locked, _done;

        private void Lock()
        {
            if (_locked) return;
            store._writer.Wait();
            _locked = true;
        }

        public bool Claim(string batchId)
        {
            Lock();
            lock (store._states)
                if (store._batches.Contains(batchId) || _claimed.Contains(batchId)) return false;
            _claimed.Add(batchId);
            return true;
        }

        public IReadOnlyList<AccountStateSnapshot> LoadForUpdate(IReadOnlyList<string> sortedAccounts)
        {
            Lock();
            var found = new List<AccountStateSnapshot>();
            lock (store._states)
                foreach (var name in sortedAccounts)
                    if (store._states.TryGetValue(name, out var bytes)) found.Add(new AccountStateSnapshot(name, bytes));
            return found;
        }

        public void Save(IReadOnlyList<AccountStateSnapshot> states)
        {
            if (!_locked) throw new InvalidOperationException("Save needs LoadForUpdate first");
            foreach (var s in states) _pending[s.Account] = s.State;
        }

        public IReadOnlyList<AccountStateSnapshot> LoadAll()
        {
            lock (store._states) return [.. store._states.Select(kv => new AccountStateSnapshot(kv.Key, kv.Value))];
        }

        public void Commit()
        {
            lock (store._states)
            {
                foreach (var (name, bytes) in _pending) store._states[name] = bytes;
                foreach (var b in _claimed) store._batches.Add(b);
            }
            Release();
        }

        private void Release()
        {
            if (_done) return;
            _done = true;
            if (_locked) store._writer.Release();
        }

        public void Dispose() => Release();
    }
}

using Safeguard.Payments.State;

namespace Safeguard.Payments.Analysis;

// Moving per-account state in and out by name, so that several processes can share it through a store.
public sealed partial class PaymentsAnalyzer
{
    /// <summary>The state of each named account that has any (accounts without state are left out).</summary>
    public List<AccountStateSnapshot> ExportStates(IEnumerable<string> accounts)
    {
        var states = new List<AccountStateSnapshot>();
        foreach (var name in accounts)
            if (Accounts.TryFind(name, out int id) && AccountStateCodec.Encode(this, id) is { } bytes)
                states.Add(new AccountStateSnapshot(name, bytes));
        return states;
    }

    /// <summary>Every account's state, in the order the analyser first saw the accounts.</summary>
    public List<AccountStateSnapshot> ExportAllStates()
    {
        var states = new List<AccountStateSnapshot>();
        for (int id = 0; id < Accounts.Count; id++)
            if (AccountStateCodec.Encode(this, id) is { } bytes)
                states.Add(new AccountStateSnapshot(Accounts.NameOf(id), bytes));
        return states;
    }

    /// <summary>
    /// Replaces the state of each account given with the stored one. The names are taken in the order
    /// given before any counterparty, so importing an <see cref="ExportAllStates"/> list into a fresh
    /// analyser rebuilds the same numbering and scores exactly as the original.
    /// </summary>
    public void ImportStates(IReadOnlyList<AccountStateSnapshot> states)
    {
        var ids = new int[states.Count];
        for (int i = 0; i < states.Count; i++) ids[i] = Accounts.Intern(states[i].Account);
        for (int i = 0; i < states.Count; i++)
        {
            var (sender, receiver) = AccountStateCodec.Decode(Accounts, ids[i], states[i].State);
            if (sender is null) Senders.Remove(ids[i]); else Senders[ids[i]] = sender;
            if (receiver is null) Receivers.Remove(ids[i]); else Receivers[ids[i]] = receiver;
        }
    }
}

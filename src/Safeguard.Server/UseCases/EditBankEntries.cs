using Safeguard.Banks;
using Safeguard.Banks.Storage;
using Safeguard.Server.Audit;
using Safeguard.Server.Errors;
using Safeguard.Server.Index;
using Safeguard.Signals;

namespace Safeguard.Server.UseCases;

/// <summary>An entry as a caller gives it: checked and normalised by <see cref="EditBankEntries.Records"/>.</summary>
public sealed record EntryInput(string? SignalType, string? Value, string? ContentId, int? Category, string? Grade, string[]? Tags);

/// <summary>Adds, disables, enables and removes a bank's entries; each change is audited and made matchable at once.</summary>
public sealed class EditBankEntries(IBankStore banks, AuditLog audit, LiveIndex index)
{
    public async Task<ImportResult> AddAsync(string bank, IReadOnlyList<EntryInput>? entries, string actor)
    {
        await BankGuard.RequireAsync(banks, bank);
        var records = Records(entries);
        var result = await banks.ImportAsync(bank, records, new ImportOptions { Source = new ImportSource("api", actor) });
        await audit.AppendAsync(actor, "bank.add", $"bank:{bank}", $"read={result.Read}; added={result.Added}; updated={result.Updated}");
        await index.RefreshAsync();
        return result;
    }

    public async Task<int> SetDisabledAsync(string bank, IReadOnlyList<EntryInput>? entries, string? reason, bool disable, string actor)
    {
        await BankGuard.RequireAsync(banks, bank);
        if (disable && string.IsNullOrWhiteSpace(reason)) throw new ValidationException("reason is required to disable entries");
        var keys = Records(entries).Select(r => (r.Type, r.Value)).ToList();
        int n = await banks.SetDisabledAsync(bank, keys, disable, disable ? reason : null);
        await audit.AppendAsync(actor, disable ? "bank.disable" : "bank.enable", $"bank:{bank}", $"requested={keys.Count}; changed={n}; reason={reason}");
        await index.RefreshAsync();
        return n;
    }

    public async Task<(int Removed, int NotFound)> RemoveAsync(string bank, IReadOnlyList<EntryInput>? entries, string actor)
    {
        await BankGuard.RequireAsync(banks, bank);
        var keys = Records(entries).Select(r => (r.Type, r.Value)).ToList();
        int n = await banks.RemoveEntriesAsync(bank, keys);
        await audit.AppendAsync(actor, "bank.remove", $"bank:{bank}", $"requested={keys.Count}; removed={n}");
        await index.RefreshAsync();
        return (n, keys.Count - n);
    }

    /// <summary>The entries checked one by one; the first bad one is a 400 naming its index.</summary>
    public static List<EntryRecord> Records(IReadOnlyList<EntryInput>? entries)
    {
        if (entries is null || entries.Count == 0) throw new ValidationException("entries is required (a non-empty array)");
        if (entries.Count > 100_000) throw new PayloadTooLargeException("more than 100000 entries in one request; use /import");
        var list = new List<EntryRecord>(entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (!SignalTypes.TryGet(e.SignalType, out var t)) throw new ValidationException($"entries[{i}]: unknown signal_type '{e.SignalType}'");
            var v = t.TryNormalize(e.Value ?? "", out var err) ?? throw new ValidationException($"entries[{i}]: {err}");
            if (e.Category is < 0 or > 4) throw new ValidationException($"entries[{i}]: category must be 0..4");
            if (e.Grade is not (null or "A" or "B" or "C")) throw new ValidationException($"entries[{i}]: grade must be A, B or C");
            if (e.ContentId is { Length: > 500 }) throw new ValidationException($"entries[{i}]: content_id longer than 500 characters");
            list.Add(new EntryRecord(t, v) { ContentId = e.ContentId, Category = e.Category, Grade = e.Grade, Tags = e.Tags ?? [] });
        }
        return list;
    }
}

using Safeguard.Banks;
using Safeguard.Banks.Storage;
using Safeguard.Server.Audit;
using Safeguard.Server.Errors;
using Safeguard.Server.Index;

namespace Safeguard.Server.UseCases;

/// <summary>
/// One entry by id (HMA's bank content) and a bank's settings: read, change, delete. Every change is
/// audited and made matchable on this node at once (other nodes follow the change feed).
/// </summary>
public sealed class EditBankContent(IBankStore banks, AuditLog audit, LiveIndex index, LookupService lookup)
{
    public async Task<BankEntry> GetAsync(string bank, long id)
    {
        await BankGuard.RequireAsync(banks, bank);
        return await banks.GetEntryAsync(bank, id) ?? throw new NotFoundException($"content '{id}' not found in bank '{bank}'");
    }

    public async Task<BankEntry> UpdateAsync(string bank, long id, EntryUpdate update, bool? disabled, string actor, string via)
    {
        var entry = await GetAsync(bank, id);
        var updated = await banks.UpdateEntryAsync(bank, id, update) ?? throw new NotFoundException($"content '{id}' not found in bank '{bank}'");
        if (disabled is { } d && d != updated.Disabled)
        {
            await banks.SetDisabledAsync(bank, [(updated.ToRecord().Type, updated.Value)], d, d ? $"disabled by {actor}" : null);
            updated = await banks.GetEntryAsync(bank, id) ?? updated;
        }
        await audit.AppendAsync(actor, "bank.entry.update", $"bank:{bank}/entry:{id}", via + "; " + Describe(entry, updated));
        await index.RefreshAsync();
        return updated;
    }

    public async Task<bool> DeleteAsync(string bank, long id, string actor, string via)
    {
        await BankGuard.RequireAsync(banks, bank);
        bool deleted = await banks.DeleteEntryAsync(bank, id);
        if (deleted)
        {
            await audit.AppendAsync(actor, "bank.entry.delete", $"bank:{bank}/entry:{id}", via);
            await index.RefreshAsync();
        }
        return deleted;
    }

    public async Task<BankInfo> UpdateBankAsync(string bank, BankUpdate update, string actor, string via)
    {
        await BankGuard.RequireAsync(banks, bank);
        if (update.Rename is { } to && to != bank && await banks.GetBankAsync(to) is not null)
            throw new ConflictException($"bank '{to}' already exists");
        var before = (await banks.GetBankAsync(bank))!;
        var after = await banks.UpdateBankAsync(bank, update);
        await audit.AppendAsync(actor, "bank.update", $"bank:{bank}", $"{via}; ratio {before.MatchingEnabledRatio:0.###} -> {after.MatchingEnabledRatio:0.###}; " +
            $"new-entry wait {before.NewEntryQuarantineHours}h -> {after.NewEntryQuarantineHours}h" + (after.Name != bank ? $"; renamed to {after.Name}" : ""));
        await lookup.ReloadBanksAsync(banks);
        if (after.Name != bank) await index.RefreshAsync();
        return after;
    }

    /// <summary>What changed, for the audit entry: field names and the new disable-until (never the note's or metadata's text).</summary>
    private static string Describe(BankEntry before, BankEntry after)
    {
        var parts = new List<string>();
        if (before.Note != after.Note) parts.Add("note");
        if (!before.Metadata.OrderBy(p => p.Key).SequenceEqual(after.Metadata.OrderBy(p => p.Key))) parts.Add("metadata");
        if (before.OriginalMediaUri != after.OriginalMediaUri) parts.Add("original_media_uri");
        if (before.DisableUntil != after.DisableUntil) parts.Add($"disable_until={after.DisableUntil?.ToString("O") ?? "none"}");
        if (before.Disabled != after.Disabled) parts.Add(after.Disabled ? "disabled" : "enabled");
        return parts.Count == 0 ? "no change" : string.Join(", ", parts);
    }
}

using Safeguard.Banks.Storage;
using Safeguard.Exchanges;
using Safeguard.Server.Audit;
using Safeguard.Server.Errors;
using Safeguard.Server.Exchanges;

namespace Safeguard.Server.UseCases;

/// <summary>What adding an exchange takes, from the /v1/ or the HMA route.</summary>
public sealed record NewExchange(string? Name, string? Type, string? Bank, IReadOnlyDictionary<string, string>? Settings, bool? Enabled, bool? Feedback, string? Interval);

/// <summary>What an update changes (null: unchanged); in <see cref="Settings"/> an empty value removes a setting.</summary>
public sealed record ExchangeChanges(bool? Enabled, bool? Feedback, string? Interval, IReadOnlyDictionary<string, string>? Settings);

/// <summary>
/// Exchanges configured over HTTP: every change checked through the exchange's type, audited
/// (setting names only, never values), and answered with secrets redacted.
/// </summary>
public sealed class ManageExchanges(IExchangeStore store, IBankStore banks, AuditLog audit, ExchangeRunner runner, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public static IReadOnlyList<ExchangeTypeView> Types() => ExchangeTypes.BuiltIn.Select(ExchangeViews.TypeOf).ToList();

    public async Task<IReadOnlyList<ExchangeView>> ListAsync(CancellationToken ct = default)
    {
        var statuses = (await store.ListStatusAsync(ct)).ToDictionary(s => s.Name, StringComparer.Ordinal);
        var now = _clock.GetUtcNow();
        return (await store.ListAsync(ct)).OrderBy(x => x.Name, StringComparer.Ordinal)
            .Select(x => ExchangeViews.Of(x, statuses.GetValueOrDefault(x.Name), now)).ToList();
    }

    /// <summary>The rows of <c>/v1/index/status</c>'s <c>exchanges</c>.</summary>
    public async Task<IReadOnlyList<ExchangeStatusView>> StatusesAsync(CancellationToken ct = default)
    {
        var statuses = (await store.ListStatusAsync(ct)).ToDictionary(s => s.Name, StringComparer.Ordinal);
        var now = _clock.GetUtcNow();
        return (await store.ListAsync(ct)).OrderBy(x => x.Name, StringComparer.Ordinal)
            .Select(x => ExchangeViews.StatusOf(x, statuses.GetValueOrDefault(x.Name), now)).ToList();
    }

    public async Task<ExchangeInfo> RequireAsync(string name, CancellationToken ct = default) =>
        await store.GetAsync(name, ct) ?? throw new NotFoundException($"exchange '{name}' not found");

    public async Task<ExchangeView> GetAsync(string name, CancellationToken ct = default)
    {
        var x = await RequireAsync(name, ct);
        return ExchangeViews.Of(x, await store.GetStatusAsync(name, ct), _clock.GetUtcNow());
    }

    public async Task<ExchangeStatus?> GetStatusAsync(string name, CancellationToken ct = default)
    {
        await RequireAsync(name, ct);
        return await store.GetStatusAsync(name, ct);
    }

    public async Task<ExchangeView> AddAsync(NewExchange request, string actor, CancellationToken ct = default)
    {
        var info = Check(request);
        if (await store.GetAsync(info.Name, ct) is not null) throw new ConflictException($"exchange '{info.Name}' already exists");
        if (await store.FindByBankAsync(info.Bank, ct) is { } other) throw new ConflictException($"bank '{info.Bank}' is already filled by exchange '{other.Name}'");
        bool bankExisted = await banks.GetBankAsync(info.Bank, ct) is not null;
        ExchangeInfo added;
        try { added = await store.AddAsync(info, ct); }
        catch (ExchangeException ex) { throw new ConflictException(ex.Message, ex); }
        await audit.AppendAsync(actor, "exchange.add", $"exchange:{added.Name}",
            $"type={added.Type}; bank={added.Bank}{(bankExisted ? "" : " (created)")}; enabled={added.Enabled}; feedback={added.FeedbackEnabled}; " +
            $"interval={ExchangeRequests.FormatInterval(added.Interval)}; settings={string.Join(",", added.Settings.Names.Order(StringComparer.Ordinal))}", ct);
        return ExchangeViews.Of(added, await store.GetStatusAsync(added.Name, ct), _clock.GetUtcNow());
    }

    public async Task<ExchangeView> UpdateAsync(string name, ExchangeChanges changes, string actor, CancellationToken ct = default)
    {
        var x = await RequireAsync(name, ct);
        TimeSpan? interval = null;
        ExchangeSettings? settings = null;
        try
        {
            if (changes.Feedback == true && ExchangeTypes.Find(x.Type) is { SupportsFeedback: false } t)
                throw new ExchangeException($"exchange type '{t.Name}' takes no feedback");
            if (changes.Interval is not null) interval = ExchangeRequests.ParseInterval(changes.Interval);
            if (changes.Settings is { Count: > 0 } set)
                settings = ExchangeRequests.CheckSettings(ExchangeTypes.Get(x.Type), ExchangeRequests.Merge(x.Settings, set));
        }
        catch (ExchangeException ex) { throw new ValidationException(ex.Message, ex); }
        var updated = await store.UpdateAsync(name, changes.Enabled, changes.Feedback, interval, settings, ct)
                      ?? throw new NotFoundException($"exchange '{name}' not found");
        var what = new List<string>();
        if (changes.Enabled is { } e) what.Add($"enabled={e}");
        if (changes.Feedback is { } f) what.Add($"feedback={f}");
        if (interval is { } i) what.Add($"interval={ExchangeRequests.FormatInterval(i)}");
        if (changes.Settings is { Count: > 0 } s) what.Add($"settings changed={string.Join(",", s.Keys.Order(StringComparer.Ordinal))}");
        await audit.AppendAsync(actor, "exchange.update", $"exchange:{name}", what.Count == 0 ? "nothing changed" : string.Join("; ", what), ct);
        return ExchangeViews.Of(updated, await store.GetStatusAsync(name, ct), _clock.GetUtcNow());
    }

    /// <summary>Removes the exchange; its bank and entries stay.</summary>
    public async Task RemoveAsync(string name, string actor, CancellationToken ct = default)
    {
        var x = await RequireAsync(name, ct);
        if (!await store.RemoveAsync(name, ct)) throw new NotFoundException($"exchange '{name}' not found");
        await audit.AppendAsync(actor, "exchange.remove", $"exchange:{name}", $"type={x.Type}; bank={x.Bank} kept", ct);
    }

    /// <summary>Starts a fetch now (or joins the running one); audited as asked for by <paramref name="actor"/>.</summary>
    public async Task<(Task<FetchResult> Fetch, ExchangeInfo Exchange)> StartFetchAsync(string name, string actor, CancellationToken stopping)
    {
        var x = await RequireAsync(name, stopping);
        await audit.AppendAsync(actor, "exchange.fetch", $"exchange:{name}", "fetch asked for by hand", stopping);
        return (runner.FetchAsync(name, stopping), x);
    }

    /// <summary>The request checked into an exchange to store: names, type, settings, interval.</summary>
    public static ExchangeInfo Check(NewExchange r)
    {
        try
        {
            ExchangeRequests.ValidateName(r.Name);
            var bank = string.IsNullOrEmpty(r.Bank) ? r.Name! : r.Bank;
            ExchangeRequests.ValidateName(bank, "bank name");
            if (string.IsNullOrWhiteSpace(r.Type)) throw new ExchangeException($"type is required (known: {string.Join(", ", ExchangeTypes.BuiltIn.Select(t => t.Name))})");
            var type = ExchangeTypes.Get(r.Type);
            var settings = ExchangeRequests.CheckSettings(type, r.Settings ?? new Dictionary<string, string>());
            if (r.Feedback == true && !type.SupportsFeedback) throw new ExchangeException($"exchange type '{type.Name}' takes no feedback");
            return new ExchangeInfo
            {
                Name = r.Name!, Type = type.Name, Bank = bank, Settings = settings, Enabled = r.Enabled ?? true, FeedbackEnabled = r.Feedback ?? false,
                Interval = r.Interval is null ? TimeSpan.FromMinutes(15) : ExchangeRequests.ParseInterval(r.Interval),
            };
        }
        catch (ExchangeException ex) { throw new ValidationException(ex.Message, ex); }
    }
}

using Safeguard.Banks.Storage;
using Safeguard.Server.Index;
using Safeguard.Server.Matching;

namespace Safeguard.Server.Endpoints;

/// <summary>Route metadata: this route looks hashes up and takes <c>banks=</c>, <c>seed=</c> and <c>bypass_coinflip=</c>.</summary>
public sealed record SelectsBanks(bool Strict);

/// <summary>Draws the request's coin flip and sets <see cref="BankSelection.Current"/> for the handler.</summary>
public sealed class BankSelectionFilter(bool strict) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var query = http.Request.Query;
        var lookup = http.RequestServices.GetRequiredService<LookupService>();
        string? seed = query.TryGetValue("seed", out var s) ? s.ToString() : null;
        bool bypass = string.Equals(query["bypass_coinflip"].ToString(), "true", StringComparison.OrdinalIgnoreCase);
        var requested = BankSelection.ParseList(query["banks"].ToString());
        double r = CoinFlip.Draw(seed);
        var ratios = await WithNamedBanksAsync(lookup.BankRatios, requested, http.RequestServices.GetRequiredService<IBankStore>());
        var previous = BankSelection.Current;
        BankSelection.Current = BankSelection.Choose(ratios, requested, r, bypass, strict);
        try
        {
            return await next(context);
        }
        finally
        {
            BankSelection.Current = previous;
        }
    }

    /// <summary>
    /// The ratios as last read, plus any named bank created since (read from the store), so a bank
    /// made a moment ago on another node is neither refused nor left out.
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, double>> WithNamedBanksAsync(IReadOnlyDictionary<string, double> ratios,
        IReadOnlyCollection<string>? requested, IBankStore banks)
    {
        if (requested is null || requested.All(ratios.ContainsKey)) return ratios;
        var merged = new Dictionary<string, double>(ratios, StringComparer.Ordinal);
        foreach (var name in requested.Where(n => !ratios.ContainsKey(n)).Take(16))
            if (name.Length <= 100 && await banks.GetBankAsync(name) is { } b) merged[b.Name] = b.MatchingEnabledRatio;
        return merged;
    }
}

public static class BankSelectionExtensions
{
    /// <summary>
    /// Marks a lookup route: it honours <c>banks=</c> (strict: an unknown name is a 400), the coin flip
    /// over the banks' matching ratios, <c>seed=</c> and <c>bypass_coinflip=true</c>.
    /// </summary>
    public static RouteHandlerBuilder SelectsBanks(this RouteHandlerBuilder b, bool strict) =>
        b.WithMetadata(new SelectsBanks(strict)).AddEndpointFilter(new BankSelectionFilter(strict));
}

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
        var previous = BankSelection.Current;
        BankSelection.Current = BankSelection.Choose(lookup.BankRatios, requested, r, bypass, strict);
        try
        {
            return await next(context);
        }
        finally
        {
            BankSelection.Current = previous;
        }
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

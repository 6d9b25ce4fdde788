using Safeguard.Server.Api;
using Safeguard.Server.Errors;
using Safeguard.Server.Index;
using Safeguard.Server.Matching;
using Safeguard.Server.Review;
using Safeguard.Signals;

namespace Safeguard.Server.UseCases;

public sealed record HashLookup(IReadOnlyList<ItemMatch> Matches, long? ReviewItemId);

/// <summary>Looks one hash up in every bank; a hit becomes a review item (one open item per hash) unless the caller opts out.</summary>
public sealed class LookupHash(LookupService lookup, ReviewStore review)
{
    public async Task<HashLookup> RunAsync(string? signalType, string? value, int? threshold, bool queueReview, string actor)
    {
        var q = LookupService.Parse(signalType, value, out var error) ?? throw new ValidationException(error!);
        var matches = lookup.Match(q, Thresholds.Check(q.SignalType, threshold));
        long? itemId = null;
        if (matches.Count > 0 && queueReview)
            itemId = (await review.CreateOrReuseAsync(new ReviewItem
            {
                Kind = "hash-hit",
                Md5 = q.SignalType == "md5" ? q.Value : null, Sha1 = q.SignalType == "sha1" ? q.Value : null,
                Sha256 = q.SignalType == "sha256" ? q.Value : null, Pdq = q.SignalType == "pdq" ? q.Value : null,
                Matches = matches, VerifiedExact = matches.Any(m => m.VerifiedExact),
            }, null, actor, OpenItemKey.ForHash(q.SignalType, q.Value))).Id;
        return new HashLookup(matches, itemId);
    }
}

using Safeguard.Payments.Feed;

namespace Safeguard.Cli.Commands.Payments;

/// <summary>The one place the report reads feeds: through the scanner's feed reader.</summary>
internal static class FeedGlue
{
    public static IEnumerable<Transaction> Read(string path, TextWriter errors) =>
        throw new InvalidOperationException($"feed {path}: the feed reader is not available in this build");
}

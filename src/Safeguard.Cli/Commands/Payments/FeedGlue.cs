using Safeguard.Payments.Feed;
using Safeguard.Payments.Reports;

namespace Safeguard.Cli.Commands.Payments;

/// <summary>The one place the report reads feeds: through the scanner's feed reader, keeping only the subject's rows.</summary>
internal static class FeedGlue
{
    public sealed record Result(List<Transaction> Transactions, string? BaseCurrency, int Errors);

    public static Result Read(IReadOnlyList<string> paths, FeedOptions options, ScanSubject subject, TextWriter errors)
    {
        var named = new HashSet<string>(subject.Indicators.SelectMany(i => i.Transactions), StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        var who = subject.Subject;
        int count = 0;
        var list = TransactionFeedReader.Read(paths, options, e =>
        {
            count++;
            errors.WriteLine($"safeguard: {e}");
        }, out var reader, t => t.Sender.SequenceEqual(who) || t.Receiver.SequenceEqual(who) || named.Contains(t.Id));
        return new Result(list, reader.BaseCurrency, count);
    }
}

using System.Runtime.CompilerServices;
using Safeguard.Exchanges;
using static Safeguard.Exchanges.Tests.Items;

namespace Safeguard.Exchanges.Tests;

/// <summary>
/// An exchange type whose upstream is a fixed list of pages (checkpoint "n" after page n), which
/// can fail or cancel at any position: position 1 is asking for the first page, then each of its
/// items, then asking for the next page, and so on.
/// </summary>
public sealed class ScriptedType(IReadOnlyList<ExchangeItem[]> pages) : ExchangeType
{
    public override string Name => "scripted";
    public override string Description => "pages from a test";
    public override IReadOnlyList<ExchangeSetting> Settings => [];

    /// <summary>Throws at this position (0: never).</summary>
    public int FailAt { get; set; }
    /// <summary>Cancels <see cref="Cancel"/> at this position and carries on (0: never).</summary>
    public int CancelAt { get; set; }
    public CancellationTokenSource? Cancel { get; set; }
    public Func<Exception> Failure { get; set; } = () => new ExchangeException("upstream broke") { Transient = true };

    /// <summary>How many positions a whole fetch from the start passes.</summary>
    public int Positions => pages.Sum(p => p.Length + 1) + 1;

    /// <summary>The standard script: additions, a withdrawal, a re-addition, an unknown withdrawal.</summary>
    public static ScriptedType Standard() => new([
        [Add(1), Add(2), Add(3), Add(4)],
        [Add(5), Add(6), Withdraw(2)],
        [Add(2), Add(7), Withdraw(3), Withdraw(99)],
    ]);

    public override IExchangeClient Create(ExchangeSettings settings, ExchangeContext context) => new Client(this);

    private sealed class Client(ScriptedType script) : IExchangeClient
    {
        private int _position;

        private void Step()
        {
            _position++;
            if (_position == script.FailAt) throw script.Failure();
            if (_position == script.CancelAt) script.Cancel!.Cancel();
        }

        public async IAsyncEnumerable<ExchangePage> FetchAsync(string? checkpoint, [EnumeratorCancellation] CancellationToken ct)
        {
            int next = checkpoint is null ? 0 : int.Parse(checkpoint, System.Globalization.CultureInfo.InvariantCulture);
            for (int i = next; ; i++)
            {
                await Task.Yield();
                Step();
                if (i >= script.Pages.Count) yield break;
                yield return new ExchangePage { Items = ItemsOf(script.Pages[i]), Checkpoint = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) };
            }
        }

        private IEnumerable<ExchangeItem> ItemsOf(ExchangeItem[] items)
        {
            foreach (var item in items)
            {
                Step();
                yield return item;
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private IReadOnlyList<ExchangeItem[]> Pages => pages;
}

/// <summary>A clock whose wall time the test sets; timers and timestamps stay real.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}

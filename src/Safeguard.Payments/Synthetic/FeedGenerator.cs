using Safeguard.Payments.Feed;

namespace Safeguard.Payments.Synthetic;

/// <summary>Output form of a generated feed.</summary>


/// <summary>What a generation wrote.</summary>
public sealed record FeedSummary(long Transactions, int Accounts, DateTimeOffset First, DateTimeOffset Last);

/// <summary>
/// Synthetic transaction feed with planted purchasers and facilitators and every hard negative of
/// issue 12. The world (accounts, groups, who pays whom, trips) is drawn from the seed when the
/// generator is made; <see cref="Write(TextWriter, FeedFormat, Action{int, long}?)"/> then streams
/// the transactions day by day in time order: each actor adds that day's events, the day is sorted
/// by time and written. Memory is the per-actor state plus one day of events, whatever the length.
/// Same settings and seed, same bytes.
/// </summary>
public sealed partial class FeedGenerator
{
    private const int SecondsPerDay = 86_400;

    private readonly FeedSettings _s;
    private readonly World _world;
    private Random _rng;

    // One day of events.
    private FeedEvent[] _events = new FeedEvent[4096];
    private long[] _keys = new long[4096];
    private int _count;

    public FeedGenerator(FeedSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _rng = new Random(settings.Seed);
        _s = settings with { Ordinary = OrdinaryFor(settings) };
        _world = new World(this);
        _world.Build();
    }

    /// <summary>The settings in effect (<see cref="FeedSettings.Ordinary"/> resolved from the target, if one was given).</summary>
    public FeedSettings Settings => _s;

    /// <summary>Every account of interest with its group and true role.</summary>
    public IReadOnlyList<TruthAccount> Truth => _world.Truth;

    /// <summary>Number of accounts in the generated world.</summary>
    public int AccountCount => _world.Accounts.Count;

    /// <summary>Writes the feed to a stream as UTF-8 (no BOM); the stream is left open.</summary>
    public FeedSummary Write(Stream output, FeedFormat format = FeedFormat.Csv, Action<int, long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var writer = new StreamWriter(output, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
        var summary = Write(writer, format, progress);
        writer.Flush();
        return summary;
    }

    /// <summary>
    /// Writes the header (CSV) and every transaction in time order. <paramref name="progress"/> is
    /// called after each day with the day's index and the transactions written so far.
    /// </summary>
    public FeedSummary Write(TextWriter output, FeedFormat format = FeedFormat.Csv, Action<int, long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        // Events draw from their own stream, so writing twice gives the same feed.
        _rng = new Random(unchecked(_s.Seed * 31 + 17));
        var rows = new RowWriter(output, format, _world.Accounts);
        rows.WriteHeader();
        long written = 0;
        DateTimeOffset first = default, last = default;
        for (int day = 0; day < _s.Days; day++)
        {
            _count = 0;
            var date = _s.Start.AddDays(day);
            var info = new DayInfo(day, date);
            foreach (var actor in _world.Actors) actor.Day(this, info);
            Array.Sort(_keys, _events, 0, _count);
            rows.SetDate(date);
            for (int i = 0; i < _count; i++) rows.Write(++written, in _events[i]);
            if (_count > 0)
            {
                var midnight = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
                if (written == _count) first = midnight.AddSeconds(_events[0].Second);
                last = midnight.AddSeconds(_events[_count - 1].Second);
            }
            progress?.Invoke(day, written);
        }
        rows.Flush();
        return new FeedSummary(written, _world.Accounts.Count, first, last);
    }

    /// <summary>Writes <c>truth.json</c>: seed, settings and every account of interest.</summary>
    public void WriteTruth(Stream output, long transactions = 0) =>
        GroundTruth.Write(output, _s, transactions, _world.Truth);

    /// <summary>Ordinary customers for the target size: the others' expected volume subtracted, the rest at an ordinary customer's daily rate.</summary>
    private static int OrdinaryFor(FeedSettings s)
    {
        if (s.TargetTransactions is not { } target) return s.Ordinary;
        double perPerson = World.ExpectedDomesticPerDay * s.Days;
        long people = s.Purchasers + s.FamilyRemitters + s.WeeklyToppers + s.PartnersAbroad + s.SiblingFamilies * 4L
            + (long)s.Charities * s.DonorsPerCharity + s.Tourists + s.RemittanceTravellers;
        double planted = s.Purchasers * (1 - s.HardPurchaserShare) * (s.WeeklyRateStart + s.WeeklyRateEnd) / 2 / 7 * s.Days * 0.8;
        double others = people * perPerson + planted;
        return (int)Math.Clamp((target - others) / (perPerson + World.OrdinaryExtraPerDay * s.Days), 0, 50_000_000);
    }

    // ---- Events --------------------------------------------------------------------------

    internal void Emit(int second, int sender, int receiver, long usdCents, Channel channel, int mcc, int description)
    {
        if (_count == _events.Length)
        {
            Array.Resize(ref _events, _count * 2);
            Array.Resize(ref _keys, _count * 2);
        }
        second = Math.Clamp(second, 0, SecondsPerDay - 1);
        _events[_count] = new FeedEvent
        {
            Second = second, Sender = sender, Receiver = receiver, UsdCents = Math.Max(1, usdCents),
            Channel = channel, Mcc = (short)mcc, Description = (short)description,
        };
        // Time, then the order of emission: a stable, seed-determined order within a second.
        _keys[_count] = ((long)second << 32) | (uint)_count;
        _count++;
    }

    // ---- Randomness (the generator's own stream) -----------------------------------------

    internal double U() => _rng.NextDouble();

    internal int Next(int maxExclusive) => _rng.Next(maxExclusive);

    internal int Between(int minInclusive, int maxInclusive) => _rng.Next(minInclusive, maxInclusive + 1);

    internal bool Chance(double p) => _rng.NextDouble() < p;

    internal T Pick<T>(T[] items) => items[_rng.Next(items.Length)];

    internal long Cents(decimal min, decimal max) => Cents((double)min, (double)max);

    internal long Cents(int min, int max) => Cents((double)min, (double)max);

    internal long Cents(double min, double max) => (long)Math.Round((min + (max - min) * _rng.NextDouble()) * 100);

    /// <summary>Log-uniform amount: small ones more often, as card spending is.</summary>
    internal long LogCents(double min, double max) => (long)Math.Round(min * Math.Exp(_rng.NextDouble() * Math.Log(max / min)) * 100);

    internal int Poisson(double lambda)
    {
        if (lambda <= 0) return 0;
        if (lambda > 30) return Math.Max(0, (int)Math.Round(lambda + Math.Sqrt(lambda) * Normal()));
        double limit = Math.Exp(-lambda), p = 1;
        int k = 0;
        do { k++; p *= _rng.NextDouble(); } while (p > limit);
        return k - 1;
    }

    private double Normal() => Math.Sqrt(-2 * Math.Log(1 - _rng.NextDouble())) * Math.Cos(2 * Math.PI * _rng.NextDouble());

    internal string PickCountry(IReadOnlyList<WeightedCountry> list)
    {
        double total = 0;
        foreach (var c in list) total += c.Weight;
        double x = _rng.NextDouble() * total;
        foreach (var c in list)
        {
            x -= c.Weight;
            if (x < 0) return c.Country;
        }
        return list[^1].Country;
    }

    /// <summary>A second of the UTC day at a local time between <paramref name="fromHour"/> and <paramref name="fromHour"/> + <paramref name="hours"/> in the country.</summary>
    internal int LocalSecond(string country, int fromHour, int hours)
    {
        int local = fromHour * 3600 + _rng.Next(hours * 3600);
        int utc = (local - Countries.UtcOffsetHours(country) * 3600) % SecondsPerDay;
        return utc < 0 ? utc + SecondsPerDay : utc;
    }
}

/// <summary>One transaction as the generator holds it until its day is written (amount in USD cents).</summary>
internal struct FeedEvent
{
    public int Second;
    public int Sender;
    public int Receiver;
    public long UsdCents;
    public Channel Channel;
    public short Mcc;
    public short Description;
}

/// <summary>The calendar facts of one generated day.</summary>
internal readonly struct DayInfo(int index, DateOnly date)
{
    public int Index { get; } = index;
    public int DayOfMonth { get; } = date.Day;
    public int DaysInMonth { get; } = DateTime.DaysInMonth(date.Year, date.Month);
    public DayOfWeek DayOfWeek { get; } = date.DayOfWeek;

    /// <summary>True on the given day of the month, or on the month's last day when it is shorter.</summary>
    public bool IsMonthly(int day) => DayOfMonth == Math.Min(day, DaysInMonth);
}

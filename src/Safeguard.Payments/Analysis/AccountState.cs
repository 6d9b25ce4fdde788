using Safeguard.Payments.Feed;

namespace Safeguard.Payments.Analysis;

/// <summary>What one sender sends to one recipient in a high-risk country: counts, cadence and amounts.</summary>
public sealed class RecipientLink(int receiver)
{
    public int Receiver { get; } = receiver;
    public long Count;
    public double Sum;
    public long FirstTicks;
    public long LastTicks;
    public RunningStats GapDays;
    public RunningStats Amount;
    public long SmallCount;
    public readonly Evidence Ids = new();

    public void Add(long ticks, double amount, bool small, ReadOnlySpan<char> id)
    {
        Ids.Add(id);
        if (Count == 0) FirstTicks = ticks;
        else GapDays.Add(Math.Max(0, ticks - LastTicks) / (double)TimeSpan.TicksPerDay);
        LastTicks = Math.Max(LastTicks, ticks);
        Count++;
        Sum += amount;
        Amount.Add(amount);
        if (small) SmallCount++;
    }

    /// <summary>Steady cadence (weekly or slower) and steady amounts: what family support looks like.</summary>
    public bool IsRegular(PurchaserSettings p) =>
        Count >= 3 && GapDays.Mean >= p.RegularMinIntervalDays && GapDays.Cv <= p.RegularMaxCv && Amount.Cv <= p.RegularMaxCv;
}

/// <summary>
/// Everything kept about one sender: only aggregates, a bounded recipient list and bounded evidence, so
/// memory grows with accounts, never with transactions.
/// </summary>
public sealed class SenderState(int account, CountryCode home)
{
    public const int MaxRecipients = 64;
    public const int Months = 36;

    public int Account { get; } = account;
    public CountryCode Home { get; set; } = home;
    public long FirstTicks = long.MaxValue;
    public long LastTicks = long.MinValue;

    // Transfers to private persons in high-risk countries.
    public long RiskyCount;
    public long SmallCount;
    public long NightCount;
    public long InnocuousCount;
    public double RiskySum;
    public long RiskyFirstTicks = long.MaxValue;
    public readonly int[] MonthCount = new int[Months];
    public readonly double[] MonthSum = new double[Months];
    public readonly List<RecipientLink> Recipients = new(2);
    public long RecipientsDropped;

    // Other behaviour.
    public long SoftwareCount;
    public long CryptoBuys;
    public long LastCryptoTicks = long.MinValue;
    public long CryptoPairs;
    public readonly List<TravelState> Travel = new(1);

    public readonly Evidence SmallTransfers = new();
    public readonly Evidence NightTransfers = new();
    public readonly Evidence InnocuousTransfers = new();
    public readonly Evidence Software = new();
    public readonly Evidence TravelEvidence = new();
    public readonly Evidence CryptoEvidence = new();
    public readonly Evidence RiskyTransfers = new();

    public void Seen(long ticks)
    {
        if (ticks < FirstTicks) FirstTicks = ticks;
        if (ticks > LastTicks) LastTicks = ticks;
    }

    public RecipientLink? LinkTo(int receiver, bool create)
    {
        foreach (var link in Recipients)
            if (link.Receiver == receiver) return link;
        if (!create) return null;
        if (Recipients.Count >= MaxRecipients) { RecipientsDropped++; return null; }
        var added = new RecipientLink(receiver);
        Recipients.Add(added);
        return added;
    }

    /// <summary>The month bucket of a risky transfer, counted from the sender's first one (later months fold into the last).</summary>
    public int MonthOf(long ticks)
    {
        var first = new DateTime(RiskyFirstTicks, DateTimeKind.Utc);
        var at = new DateTime(Math.Max(ticks, RiskyFirstTicks), DateTimeKind.Utc);
        int m = (at.Year - first.Year) * 12 + at.Month - first.Month;
        return Math.Clamp(m, 0, Months - 1);
    }
}

/// <summary>Card and cash use by a sender in one high-risk country away from home.</summary>
public sealed class TravelState(CountryCode country)
{
    public CountryCode Country { get; } = country;
    public long Days;
    public long LastDay = long.MinValue;
    public long StayStartDay;
    public long LongestStayDays;
    public long Stays;
    public long AtmCount;
    public long GiftCount;

    public void Add(long ticks, bool atm, bool gift)
    {
        long day = ticks / TimeSpan.TicksPerDay;
        if (day != LastDay)
        {
            if (LastDay == long.MinValue || day - LastDay > 3) { Stays++; StayStartDay = day; }
            if (day > LastDay) Days++;
            LastDay = Math.Max(LastDay, day);
            LongestStayDays = Math.Max(LongestStayDays, LastDay - StayStartDay + 1);
        }
        if (atm) AtmCount++;
        if (gift) GiftCount++;
    }
}

/// <summary>A private person in a high-risk country who receives from abroad.</summary>
public sealed class ReceiverState(int account, CountryCode country)
{
    public const int MaxSenders = 256;

    public int Account { get; } = account;
    public CountryCode Country { get; } = country;
    public readonly List<int> Senders = new(2);
    public long SendersDropped;
    public long Count;
    public long SmallCount;
    public double Sum;
    public long FirstTicks = long.MaxValue;
    public long LastTicks = long.MinValue;
    public readonly Evidence Received = new();

    public void Add(int sender, long ticks, double amount, bool small, ReadOnlySpan<char> id)
    {
        Count++;
        Sum += amount;
        if (small) SmallCount++;
        if (ticks < FirstTicks) FirstTicks = ticks;
        if (ticks > LastTicks) LastTicks = ticks;
        Received.Add(id);
        if (Senders.Contains(sender)) return;
        if (Senders.Count < MaxSenders) Senders.Add(sender);
        else SendersDropped++;
    }
}

using Safeguard.Payments.Feed;

namespace Safeguard.Payments.Analysis;

/// <summary>
/// Streams transactions once and keeps per-account state: for senders, what they send to private persons
/// in high-risk countries, their software, crypto and travel; for those persons, who pays them. Domestic
/// rows that touch none of this cost a few comparisons and no lookup. <see cref="Score"/> turns the
/// state into subjects at any point, so the service can score as batches arrive.
/// </summary>
public sealed partial class PaymentsAnalyzer
{
    private readonly bool[] _highRisk = new bool[CountryCode.Count];
    private readonly int[] _utcOffsetHours = new int[CountryCode.Count];
    private readonly HashSet<int> _softwareMccs, _giftMccs, _cryptoMccs;
    private readonly DescriptionClassifier _innocuous, _software, _gift;
    private readonly long _cryptoWindowTicks;

    public PaymentsAnalyzer(IndicatorSettings? settings = null, IEnumerable<string>? knownFacilitators = null)
    {
        Settings = settings ?? IndicatorSettings.Default;
        foreach (var c in Settings.HighRiskCountries) _highRisk[CountryCode.Parse(c).Value] = true;
        foreach (var (c, h) in Settings.UtcOffsets) _utcOffsetHours[CountryCode.Parse(c).Value] = h;
        _softwareMccs = [.. Settings.Software.Mccs];
        _giftMccs = [.. Settings.GiftMccs];
        _cryptoMccs = [.. Settings.CryptoMccs];
        _innocuous = new DescriptionClassifier(Settings.InnocuousDescriptions);
        _software = new DescriptionClassifier(Settings.Software.Words);
        _gift = new DescriptionClassifier(["gift", "gifts", "toys", "toy", "jewelry", "jewellery", "present", "souvenir"]);
        _cryptoWindowTicks = (long)(Settings.CryptoWindowDays * TimeSpan.TicksPerDay);
        foreach (var name in knownFacilitators ?? []) Known.Add(Accounts.Intern(name));
    }

    public IndicatorSettings Settings { get; }
    public AccountTable Accounts { get; } = new();
    public Dictionary<int, SenderState> Senders { get; } = [];
    public Dictionary<int, ReceiverState> Receivers { get; } = [];
    public HashSet<int> Known { get; } = [];
    public long Observed { get; private set; }

    public bool IsHighRisk(CountryCode c) => _highRisk[c.Value];

    public void Observe(in TransactionFields t)
    {
        Observed++;
        bool crossBorder = t.ReceiverCountry.Value != t.SenderCountry.Value && !t.ReceiverCountry.IsNone;
        bool card = t.Channel is Channel.Card or Channel.Atm || t.Mcc != 0;
        bool cryptoBuy = t.Channel == Channel.CryptoExchange && !_highRisk[t.ReceiverCountry.Value] || _cryptoMccs.Contains(t.Mcc);
        bool softwareMcc = t.Mcc != 0 && _softwareMccs.Contains(t.Mcc);
        bool risky = crossBorder && !card && _highRisk[t.ReceiverCountry.Value] && t.ReceiverType != ReceiverType.Business;
        bool travel = crossBorder && card && _highRisk[t.ReceiverCountry.Value];
        int kr = -1;
        bool knownTouch = Known.Count > 0 && Accounts.TryFind(t.Receiver, out kr) && Known.Contains(kr);
        if (!risky && !travel && !cryptoBuy && !softwareMcc && !knownTouch) return;

        if (softwareMcc && !risky && !travel)
        {
            // Apps and games are common; only capture and privacy tools count, and only for senders already tracked.
            if (!_software.Matches(t.Description)) return;
        }

        int sender = Accounts.Intern(t.Sender);
        if (!Senders.TryGetValue(sender, out var s))
        {
            s = new SenderState(sender, t.SenderCountry);
            Senders.Add(sender, s);
        }
        if (s.Home.IsNone) s.Home = t.SenderCountry;
        s.Seen(t.Ticks);

        if (softwareMcc && !risky && !travel)
        {
            s.SoftwareCount++;
            s.Software.Add(t.Id);
            return;
        }
        if (cryptoBuy)
        {
            s.CryptoBuys++;
            s.LastCryptoTicks = Math.Max(s.LastCryptoTicks, t.Ticks);
            s.CryptoEvidence.Add(t.Id);
            return;
        }
        if (travel)
        {
            AddTravel(s, t);
            return;
        }
        if (risky) AddRiskyTransfer(s, sender, t);
        else if (knownTouch) s.LinkTo(kr, create: true)?.Add(t.Ticks, t.AmountInBase, t.AmountInBase <= Settings.SmallAmount, t.Id);
    }

    private void AddTravel(SenderState s, in TransactionFields t)
    {
        TravelState? stay = null;
        foreach (var x in s.Travel)
            if (x.Country == t.ReceiverCountry) { stay = x; break; }
        if (stay is null)
        {
            if (s.Travel.Count >= 4) return;
            stay = new TravelState(t.ReceiverCountry);
            s.Travel.Add(stay);
        }
        bool gift = _giftMccs.Contains(t.Mcc) || _gift.Matches(t.Description);
        stay.Add(t.Ticks, t.Channel == Channel.Atm || t.Mcc == 6011, gift);
        s.TravelEvidence.Add(t.Id);
    }

    private void AddRiskyTransfer(SenderState s, int sender, in TransactionFields t)
    {
        bool small = t.AmountInBase <= Settings.SmallAmount;
        if (s.RiskyCount == 0) s.RiskyFirstTicks = t.Ticks;
        s.RiskyCount++;
        s.RiskySum += t.AmountInBase;
        s.RiskyTransfers.Add(t.Id);
        int month = s.MonthOf(t.Ticks);
        s.MonthCount[month]++;
        s.MonthSum[month] += t.AmountInBase;
        if (small) { s.SmallCount++; s.SmallTransfers.Add(t.Id); }
        if (IsNight(t.Ticks, s.Home)) { s.NightCount++; s.NightTransfers.Add(t.Id); }
        if (_innocuous.Matches(t.Description)) { s.InnocuousCount++; s.InnocuousTransfers.Add(t.Id); }
        if (s.LastCryptoTicks != long.MinValue && t.Ticks - s.LastCryptoTicks <= _cryptoWindowTicks && t.Ticks >= s.LastCryptoTicks)
        {
            s.CryptoPairs++;
            s.CryptoEvidence.Add(t.Id);
            s.LastCryptoTicks = long.MinValue; // one transfer per purchase
        }

        int receiver = Accounts.Intern(t.Receiver);
        s.LinkTo(receiver, create: true)?.Add(t.Ticks, t.AmountInBase, small, t.Id);
        if (!Receivers.TryGetValue(receiver, out var r))
        {
            r = new ReceiverState(receiver, t.ReceiverCountry);
            Receivers.Add(receiver, r);
        }
        r.Add(sender, t.Ticks, t.AmountInBase, small, t.Id);
    }

    /// <summary>Evening or night in the sender's own country (UTC offsets are data; unknown countries count as UTC).</summary>
    private bool IsNight(long utcTicks, CountryCode home)
    {
        long local = utcTicks + _utcOffsetHours[home.Value] * TimeSpan.TicksPerHour;
        int hour = (int)((local / TimeSpan.TicksPerHour) % 24);
        if (hour < 0) hour += 24;
        var n = Settings.Night;
        return n.FromHour <= n.ToHour ? hour >= n.FromHour && hour < n.ToHour : hour >= n.FromHour || hour < n.ToHour;
    }

    /// <summary>Scores every account with state; see <see cref="SubjectScorer"/>.</summary>
    public IReadOnlyList<Subject> Score() => new SubjectScorer(this).Score();
}

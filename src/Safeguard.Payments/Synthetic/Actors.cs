using Safeguard.Payments.Feed;

namespace Safeguard.Payments.Synthetic;

/// <summary>Something that adds transactions for a day. State is drawn at setup and never changed while writing.</summary>
internal abstract class Actor
{
    public abstract void Day(FeedGenerator g, DayInfo d);
}

/// <summary>A stay abroad: a visitor (long, ATM cash, gifts) or a tourist (hotels, sights).</summary>
internal readonly record struct Trip(int Start, int Length, CountryPool Dest, bool Visitor)
{
    public bool Covers(int day) => Length > 0 && day >= Start && day < Start + Length;
}

/// <summary>A customer at home: card spending, ATM, transfers to friends, salary, direct debits; and trips abroad.</summary>
internal abstract class Person : Actor
{
    private static readonly double[] ShopWeights = [0.35, 0.20, 0.10, 0.08, 0.07, 0.12, 0.08];
    private static readonly (double Min, double Max)[] ShopAmounts =
        [(8, 160), (8, 70), (25, 95), (15, 250), (5, 45), (2, 15), (5, 120)];

    protected Person(World w, int account)
    {
        var g = w.Generator;
        World = w;
        Account = account;
        Home = w.Accounts[account].Country;
        Pool = w.PoolOf(account);
        CardRate = 0.8 + g.U();
        Employer = g.Pick(Pool.Employers);
        PayDay = g.Pick(PayDays);
        SalaryCents = g.Cents(2200, 7500);
        int bills = g.Between(2, 4);
        Bills = new int[bills];
        BillDay = new int[bills];
        BillCents = new long[bills];
        BillDescription = new int[bills];
        for (int i = 0; i < bills; i++)
        {
            int b = g.Next(Pool.Billers.Length);
            Bills[i] = b;
            BillDay[i] = g.Between(1, 28);
            int mcc = Pool.BillerMcc[b];
            BillCents[i] = mcc == 6513 ? g.Cents(700, 2200) : g.Cents(25, 180);
            BillDescription[i] = Descriptions.Bill[mcc switch { 4900 => g.Chance(0.7) ? 0 : 5, 4814 => 1 + g.Next(2), 6300 => 3, _ => 4 }];
        }
    }

    private static readonly int[] PayDays = [1, 15, 25, 28, 31];

    protected World World { get; }
    public int Account { get; }
    protected string Home { get; }
    protected CountryPool Pool { get; }
    private double CardRate { get; }
    private int Employer { get; }
    private int PayDay { get; }
    private long SalaryCents { get; }
    private int[] Bills { get; }
    private int[] BillDay { get; }
    private long[] BillCents { get; }
    private int[] BillDescription { get; }
    protected Trip Travel { get; set; }

    public override void Day(FeedGenerator g, DayInfo d)
    {
        if (Travel.Covers(d.Index)) TravelDay(g, d);
        else HomeDay(g);
        if (d.IsMonthly(PayDay))
            g.Emit(g.LocalSecond(Home, 1, 4), Employer, Account, SalaryCents, Channel.BankTransfer, 0, g.Pick(Descriptions.Salary));
        for (int i = 0; i < Bills.Length; i++)
        {
            if (!d.IsMonthly(BillDay[i])) continue;
            int b = Bills[i];
            long cents = Pool.BillerMcc[b] == 6513 ? BillCents[i] : (long)(BillCents[i] * (0.9 + 0.2 * g.U()));
            g.Emit(g.LocalSecond(Home, 0, 6), Account, Pool.Billers[b], cents, Channel.DirectDebit, Pool.BillerMcc[b], BillDescription[i]);
        }
        Extra(g, d);
    }

    /// <summary>What makes this customer's group: called every day after the domestic part.</summary>
    protected abstract void Extra(FeedGenerator g, DayInfo d);

    private void HomeDay(FeedGenerator g)
    {
        int n = g.Poisson(CardRate);
        for (int i = 0; i < n; i++)
        {
            double x = g.U();
            int k = 0;
            while (k < ShopWeights.Length - 1 && (x -= ShopWeights[k]) >= 0) k++;
            var (min, max) = ShopAmounts[k];
            g.Emit(g.LocalSecond(Home, 7, 15), Account, g.Pick(Pool.Shops[k]), g.LogCents(min, max), Channel.Card,
                CountryPool.ShopMcc[k], g.Pick(Descriptions.Card));
        }
        if (g.Chance(0.05))
            g.Emit(g.LocalSecond(Home, 8, 14), Account, g.Pick(Pool.Atms), g.Cents(2, 30) * 10, Channel.Atm, 6011, g.Pick(Descriptions.Atm));
        if (g.Chance(0.04) && Pool.People.Count > 1)
        {
            int other = Pool.People[g.Next(Pool.People.Count)];
            if (other != Account)
                g.Emit(g.LocalSecond(Home, 8, 15), Account, other, g.LogCents(10, 300), Channel.BankTransfer, 0, g.Pick(Descriptions.Domestic));
        }
    }

    private void TravelDay(FeedGenerator g, DayInfo d)
    {
        var trip = Travel;
        var dest = trip.Dest;
        string c = dest.Country;
        int day = d.Index - trip.Start;
        if (day == 0 || (!trip.Visitor && day == 8))
            g.Emit(g.LocalSecond(c, 12, 8), Account, g.Pick(dest.Shops[(int)Shop.Hotel]),
                trip.Visitor ? g.Cents(300, 1400) : g.Cents(120, 600), Channel.Card, 7011, g.Pick(Descriptions.Hotel));
        Spend(g, c, dest, Shop.Restaurant, g.Poisson(1.8), 4, 40, Descriptions.Card);
        if (trip.Visitor)
        {
            for (int i = g.Poisson(0.35); i > 0; i--)
            {
                var kind = g.Pick(GiftShops);
                Spend(g, c, dest, kind, 1, 10, 150, Descriptions.Gifts);
            }
            if (g.Chance(0.4))
                g.Emit(g.LocalSecond(c, 9, 13), Account, g.Pick(dest.Atms), g.Cents(10, 40) * 10, Channel.Atm, 6011, g.Pick(Descriptions.Atm));
        }
        else
        {
            Spend(g, c, dest, Shop.Attractions, g.Poisson(0.6), 15, 120, Descriptions.Sights);
            Spend(g, c, dest, Shop.GiftShop, g.Poisson(0.3), 5, 60, Descriptions.Sights);
            if (g.Chance(0.15))
                g.Emit(g.LocalSecond(c, 9, 13), Account, g.Pick(dest.Atms), g.Cents(4, 20) * 10, Channel.Atm, 6011, g.Pick(Descriptions.Atm));
        }
    }

    private static readonly Shop[] GiftShops = [Shop.Toys, Shop.ChildrenWear, Shop.Electronics, Shop.GiftShop, Shop.Department];

    private void Spend(FeedGenerator g, string country, CountryPool dest, Shop kind, int count, double min, double max, int[] descriptions)
    {
        for (int i = 0; i < count; i++)
            g.Emit(g.LocalSecond(country, 8, 15), Account, g.Pick(dest.Shops[(int)kind]), g.LogCents(min, max), Channel.Card,
                CountryPool.ShopMcc[(int)kind], g.Pick(descriptions));
    }

    protected static Trip DrawTrip(FeedGenerator g, int days, int earliest, int minLength, int maxLength, CountryPool dest, bool visitor)
    {
        int length = g.Between(minLength, maxLength);
        int latest = days - length - 1;
        if (latest < earliest) earliest = Math.Max(0, latest);
        return new Trip(g.Between(earliest, Math.Max(earliest, latest)), length, dest, visitor);
    }
}

/// <summary>An ordinary customer; now and then buys from a seller abroad.</summary>
internal sealed class Ordinary(World w, int account) : Person(w, account)
{
    protected override void Extra(FeedGenerator g, DayInfo d)
    {
        var sellers = World.OnlineSellers;
        if (sellers.Length == 0 || !g.Chance(World.OrdinaryExtraPerDay)) return;
        bool card = g.Chance(0.7);
        g.Emit(g.LocalSecond(Home, 8, 15), Account, g.Pick(sellers), g.LogCents(15, 90),
            card ? Channel.Card : Channel.BankTransfer, card ? 5999 : 0, g.Pick(Descriptions.Online));
    }
}

/// <summary>A planted purchaser: pays one to three facilitators, escalating; buys capture and privacy software; may travel there.</summary>
internal sealed class Purchaser : Person
{
    private static readonly Channel[] Channels = [Channel.Remittance, Channel.EWallet, Channel.BankTransfer];

    private readonly int[] _facilitators;
    private readonly bool _hard;
    private readonly int _start;
    private readonly double _scale;
    private readonly Channel _channel;
    private readonly bool _crypto;
    private readonly int[] _softwareDays;
    private readonly int _exchange;

    public Purchaser(World w, int account, int[] facilitators, bool hard) : base(w, account)
    {
        var g = w.Generator;
        var s = g.Settings;
        _facilitators = facilitators;
        _hard = hard;
        _start = g.Next(Math.Max(1, (int)(s.Days * (hard ? 0.5 : 0.3))));
        _scale = hard ? 0.3 + 0.9 * g.U() : 0.6 + 0.8 * g.U();
        _channel = g.Pick(Channels);
        _crypto = !hard && g.Chance(s.CryptoUserShare);
        _exchange = g.Pick(w.Exchanges);
        _softwareDays = [];
        if (!hard && g.Chance(s.SoftwareBuyerShare))
        {
            int k = g.Between(1, 4);
            _softwareDays = new int[k];
            for (int i = 0; i < k; i++) _softwareDays[i] = g.Between(_start, s.Days - 1);
            Array.Sort(_softwareDays);
        }
        if (!hard && g.Chance(s.TravellerShare))
            Travel = DrawTrip(g, s.Days, Math.Min(_start + 30, s.Days - 1), 14, 45, w.PoolOf(facilitators[0]), visitor: true);
    }

    protected override void Extra(FeedGenerator g, DayInfo d)
    {
        var s = g.Settings;
        if (d.Index >= _start)
        {
            double t = (d.Index - _start) / (double)Math.Max(1, s.Days - 1 - _start);
            double weekly = _hard ? _scale : (s.WeeklyRateStart + (s.WeeklyRateEnd - s.WeeklyRateStart) * t) * _scale;
            if (Travel.Covers(d.Index)) weekly *= 0.3;
            for (int n = g.Poisson(weekly / 7); n > 0; n--) Pay(g, s, t);
        }
        foreach (int day in _softwareDays)
        {
            if (day != d.Index) continue;
            int shop = g.Next(World.SoftwareShops.Length);
            g.Emit(g.LocalSecond(Home, 18, 6), Account, World.SoftwareShops[shop], g.LogCents(5, 120), Channel.Card,
                World.SoftwareMcc[shop], g.Pick(Descriptions.Software));
        }
    }

    private void Pay(FeedGenerator g, FeedSettings s, double t)
    {
        int to = _facilitators.Length == 1 || g.Chance(0.5) ? _facilitators[0] : _facilitators[1 + g.Next(_facilitators.Length - 1)];
        long cents;
        if (!_hard && g.Chance(s.LargePaymentShare)) cents = g.Cents(s.PurchaseMax, s.LargePaymentMax);
        else if (_hard) cents = g.Cents(s.PurchaseMin, s.PurchaseMax);
        else
        {
            double min = (double)s.PurchaseMin, max = (double)s.PurchaseMax;
            double top = min + (max - min) * (1 / s.Escalation + (1 - 1 / s.Escalation) * t);
            cents = g.Cents(min, top);
        }
        int second = _hard ? g.LocalSecond(Home, 9, 8)
            : g.Chance(s.EveningShare) ? g.LocalSecond(Home, 19, 8) : g.LocalSecond(Home, 7, 12);
        var channel = g.Chance(0.7) ? _channel : g.Pick(Channels);
        int description = g.Pick(_hard ? Descriptions.HardPurchase : Descriptions.Innocuous);
        if (_crypto && g.Chance(0.35))
        {
            // Buy coins at an exchange, then send them on.
            g.Emit(second, Account, _exchange, cents + cents / 50, Channel.Card, 6051, g.Pick(Descriptions.CryptoBuy));
            g.Emit(second + 300 + g.Next(7200), Account, to, cents, Channel.CryptoExchange, 0, g.Pick(Descriptions.CryptoSend));
            return;
        }
        g.Emit(second, Account, to, cents, channel, 0, description);
    }
}

/// <summary>Monthly, larger remittances to one or two relatives; a remittance traveller also visits them.</summary>
internal sealed class FamilyRemitter : Person
{
    private readonly int[] _days;
    private readonly long[] _cents;
    private readonly Channel _channel;

    public int[] Relatives { get; }

    public FamilyRemitter(World w, int account, int relatives, bool travels = false) : base(w, account)
    {
        var g = w.Generator;
        var s = g.Settings;
        string country = g.PickCountry(s.FamilyCountries);
        Relatives = new int[relatives];
        _days = new int[relatives];
        _cents = new long[relatives];
        for (int i = 0; i < relatives; i++)
        {
            Relatives[i] = w.NewAccount(country, ReceiverType.Person);
            _days[i] = g.Between(1, 28);
            _cents[i] = g.Cents(s.FamilyRemittanceMin, s.FamilyRemittanceMax);
        }
        _channel = g.Chance(0.7) ? Channel.Remittance : Channel.BankTransfer;
        if (travels) Travel = DrawTrip(g, s.Days, 30, 14, 30, w.Pool(country, rich: false), visitor: true);
    }

    protected override void Extra(FeedGenerator g, DayInfo d)
    {
        var s = g.Settings;
        for (int i = 0; i < Relatives.Length; i++)
        {
            if (!d.IsMonthly(_days[i]) || g.Chance(0.05)) continue;
            long cents = Math.Clamp((long)(_cents[i] * (0.9 + 0.2 * g.U())), (long)(s.FamilyRemittanceMin * 100), (long)(s.FamilyRemittanceMax * 100));
            g.Emit(g.LocalSecond(Home, 8, 14), Account, Relatives[i], cents, _channel, 0, g.Pick(Descriptions.Family));
        }
    }
}

/// <summary>A small top-up to one relative every week, on the same weekday.</summary>
internal sealed class WeeklyTopUp : Person
{
    private readonly DayOfWeek _weekday;
    private readonly long _cents;
    private readonly Channel _channel;

    public int Relative { get; }

    public WeeklyTopUp(World w, int account) : base(w, account)
    {
        var g = w.Generator;
        var s = g.Settings;
        Relative = w.NewAccount(g.PickCountry(s.FamilyCountries), ReceiverType.Person);
        _weekday = (DayOfWeek)g.Next(7);
        _cents = g.Cents(s.TopUpMin, s.TopUpMax);
        _channel = g.Chance(0.6) ? Channel.EWallet : Channel.Remittance;
    }

    protected override void Extra(FeedGenerator g, DayInfo d)
    {
        if (d.DayOfWeek != _weekday || g.Chance(0.1)) return;
        var s = g.Settings;
        long cents = Math.Clamp((long)(_cents * (0.8 + 0.4 * g.U())), (long)(s.TopUpMin * 100), (long)(s.TopUpMax * 100));
        g.Emit(g.LocalSecond(Home, 8, 14), Account, Relative, cents, _channel, 0, g.Pick(Descriptions.TopUp));
    }
}

/// <summary>Frequent small payments to one partner abroad, some in the evening; some visit.</summary>
internal sealed class PartnerAbroad : Person
{
    private readonly double _weekly;
    private readonly Channel _channel;

    public int Partner { get; }

    public PartnerAbroad(World w, int account) : base(w, account)
    {
        var g = w.Generator;
        var s = g.Settings;
        string country = g.PickCountry(s.FamilyCountries);
        Partner = w.NewAccount(country, ReceiverType.Person);
        _weekly = 1.5 + 2.5 * g.U();
        _channel = g.U() switch { < 0.5 => Channel.EWallet, < 0.8 => Channel.Remittance, _ => Channel.BankTransfer };
        if (g.Chance(0.3)) Travel = DrawTrip(g, s.Days, 0, 10, 21, w.Pool(country, rich: false), visitor: false);
    }

    protected override void Extra(FeedGenerator g, DayInfo d)
    {
        if (Travel.Covers(d.Index)) return;
        for (int n = g.Poisson(_weekly / 7); n > 0; n--)
        {
            int second = g.Chance(0.4) ? g.LocalSecond(Home, 19, 6) : g.LocalSecond(Home, 8, 11);
            g.Emit(second, Account, Partner, g.LogCents(20, 150), _channel, 0, g.Pick(Descriptions.Partner));
        }
    }
}

/// <summary>One of several siblings who each send the same parent abroad a monthly amount.</summary>
internal sealed class Sibling : Person
{
    private readonly int _parent, _day;
    private readonly long _cents;
    private readonly Channel _channel;

    public Sibling(World w, int account, int parent) : base(w, account)
    {
        var g = w.Generator;
        _parent = parent;
        _day = g.Between(1, 28);
        _cents = g.Cents(100, 500);
        _channel = g.Chance(0.8) ? Channel.Remittance : Channel.BankTransfer;
    }

    protected override void Extra(FeedGenerator g, DayInfo d)
    {
        if (!d.IsMonthly(_day) || g.Chance(0.05)) return;
        g.Emit(g.LocalSecond(Home, 8, 14), Account, _parent, (long)(_cents * (0.9 + 0.2 * g.U())), _channel, 0, g.Pick(Descriptions.Siblings));
    }
}

/// <summary>A donor to a charity abroad: monthly, or a few one-off gifts.</summary>
internal sealed class Donor : Person
{
    private readonly int _charity, _day;
    private readonly bool _monthly;
    private readonly long _cents;
    private readonly int[] _oneOffs;

    public Donor(World w, int account, int charity) : base(w, account)
    {
        var g = w.Generator;
        _charity = charity;
        _monthly = g.Chance(0.6);
        _day = g.Between(1, 28);
        _cents = g.Cents(10, 60);
        _oneOffs = new int[_monthly ? 0 : g.Between(1, 3)];
        for (int i = 0; i < _oneOffs.Length; i++) _oneOffs[i] = g.Next(g.Settings.Days);
    }

    protected override void Extra(FeedGenerator g, DayInfo d)
    {
        if (_monthly && d.IsMonthly(_day))
        {
            bool debit = g.Chance(0.5);
            g.Emit(g.LocalSecond(Home, 0, 6), Account, _charity, _cents, debit ? Channel.DirectDebit : Channel.Card, 8398, g.Pick(Descriptions.Donation));
        }
        foreach (int day in _oneOffs)
        {
            if (day != d.Index) continue;
            bool card = g.Chance(0.6);
            g.Emit(g.LocalSecond(Home, 8, 15), Account, _charity, g.LogCents(20, 300), card ? Channel.Card : Channel.BankTransfer, card ? 8398 : 0, g.Pick(Descriptions.Donation));
        }
    }
}

/// <summary>A holiday of one to three weeks in the Philippines, Thailand or Latin America; some tip a local guide.</summary>
internal sealed class Tourist : Person
{
    private static readonly string[] Destinations = ["PH", "PH", "TH", "TH", "MX", "DO", "CO"];
    private readonly int[] _guideDays = [];

    public int Guide { get; } = -1;

    public Tourist(World w, int account) : base(w, account)
    {
        var g = w.Generator;
        var dest = w.Pool(g.Pick(Destinations), rich: false);
        Travel = DrawTrip(g, g.Settings.Days, 0, 7, 21, dest, visitor: false);
        if (g.Chance(0.25))
        {
            Guide = w.NewAccount(dest.Country, ReceiverType.Person);
            _guideDays = new int[g.Between(1, 2)];
            for (int i = 0; i < _guideDays.Length; i++) _guideDays[i] = Travel.Start + g.Next(Travel.Length);
        }
    }

    protected override void Extra(FeedGenerator g, DayInfo d)
    {
        foreach (int day in _guideDays)
            if (day == d.Index)
                g.Emit(g.LocalSecond(Travel.Dest.Country, 10, 10), Account, Guide, g.Cents(20, 60), Channel.EWallet, 0, g.Pick(Descriptions.Guide));
    }
}

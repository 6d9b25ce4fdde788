using Safeguard.Payments.Feed;

namespace Safeguard.Payments.Synthetic;

/// <summary>One generated account.</summary>
internal sealed class AccountInfo(string id, string country, ReceiverType type, byte currency)
{
    public string Id { get; } = id;
    public string Country { get; } = country;
    public ReceiverType Type { get; } = type;
    /// <summary>Index into <see cref="FeedCurrencies.Codes"/>: the currency this account pays in.</summary>
    public byte Currency { get; } = currency;
}

/// <summary>Kinds of card merchant, each with its category code.</summary>
internal enum Shop { Grocery, Restaurant, Fuel, Department, Pharmacy, Transport, Misc, Hotel, Attractions, GiftShop, Toys, ChildrenWear, Electronics, Count }

/// <summary>The businesses of one country: merchants by kind, ATM operators, billers, employers, and its ordinary customers.</summary>
internal sealed class CountryPool(string country)
{
    public string Country { get; } = country;
    public int[][] Shops { get; } = new int[(int)Shop.Count][];
    public int[] Atms { get; set; } = [];
    public int[] Billers { get; set; } = [];
    public int[] BillerMcc { get; set; } = [];
    public int[] Employers { get; set; } = [];
    public List<int> People { get; } = [];

    public static readonly int[] ShopMcc = [5411, 5812, 5541, 5311, 5912, 4111, 5999, 7011, 7991, 5947, 5945, 5641, 5732];
}

/// <summary>The accounts, pools and actors of a generated feed, drawn once from the seed.</summary>
internal sealed class World(FeedGenerator g)
{
    /// <summary>Expected domestic-life transactions per person per day (card, ATM, transfers, salary, bills).</summary>
    public const double ExpectedDomesticPerDay = 1.3 + 0.05 + 0.04 + 1 / 30.4 + 3 / 30.4;
    /// <summary>Extra for ordinary customers: online purchases from sellers abroad.</summary>
    public const double OrdinaryExtraPerDay = 0.012;

    private static readonly string[] RichCurrencyCountries = ["GB", "AU", "DE", "NL", "IE", "FR"];
    private static readonly string[] SoftwareCountries = ["US", "IE", "NL", "SG"];
    private static readonly string[] CryptoCountries = ["US", "MT", "SG", "GB"];
    private static readonly string[] TouristDestinations = ["PH", "PH", "TH", "TH", "MX", "DO", "CO"];

    public List<AccountInfo> Accounts { get; } = [];
    public List<Actor> Actors { get; } = [];
    public List<TruthAccount> Truth { get; } = [];
    private readonly Dictionary<string, CountryPool> _pools = new(StringComparer.Ordinal);
    private readonly uint _idKey = (uint)g.Settings.Seed * 0x9E3779B1u + 0x7F4A7C15u;

    public int[] SoftwareShops { get; private set; } = [];
    public int[] SoftwareMcc { get; private set; } = [];
    public int[] Exchanges { get; private set; } = [];
    public int[] OnlineSellers { get; private set; } = [];

    private FeedSettings S => g.Settings;

    public void Build()
    {
        var s = S;
        foreach (var c in s.SenderCountries) Pool(c.Country, rich: true);
        foreach (var c in s.FacilitatorCountries) Pool(c.Country, rich: false);
        foreach (var c in s.FamilyCountries) Pool(c.Country, rich: false);
        foreach (var c in TouristDestinations) Pool(c, rich: false);

        SoftwareShops = new int[8];
        SoftwareMcc = new int[8];
        int[] softwareCodes = [5734, 5817, 5818];
        for (int i = 0; i < SoftwareShops.Length; i++)
        {
            SoftwareShops[i] = NewAccount(g.Pick(SoftwareCountries), ReceiverType.Business);
            SoftwareMcc[i] = softwareCodes[i % 3];
        }
        Exchanges = new int[CryptoCountries.Length];
        for (int i = 0; i < Exchanges.Length; i++) Exchanges[i] = NewAccount(CryptoCountries[i], ReceiverType.Business);

        // Businesses abroad that many unrelated foreign customers pay (small card and transfer payments).
        OnlineSellers = new int[s.OnlineSellers];
        for (int i = 0; i < OnlineSellers.Length; i++)
        {
            OnlineSellers[i] = NewAccount(g.PickCountry(s.FamilyCountries), ReceiverType.Business);
            Truth.Add(new(Accounts[OnlineSellers[i]].Id, FeedGroups.Business, FeedRoles.None));
        }
        foreach (var c in s.SenderCountries)
            foreach (var shops in _pools[c.Country].Shops.Take((int)Shop.Misc + 1))
                foreach (var shop in shops.Take(2))
                    Truth.Add(new(Accounts[shop].Id, FeedGroups.Business, FeedRoles.None));

        BuildOffences();
        for (int i = 0; i < s.FamilyRemitters; i++)
        {
            var p = new FamilyRemitter(this, Person(), g.Chance(0.35) ? 2 : 1);
            Add(p, FeedGroups.FamilyRemittance, p.Relatives);
        }
        for (int i = 0; i < s.WeeklyToppers; i++)
        {
            var p = new WeeklyTopUp(this, Person());
            Add(p, FeedGroups.WeeklyTopUp, [p.Relative]);
        }
        for (int i = 0; i < s.PartnersAbroad; i++)
        {
            var p = new PartnerAbroad(this, Person());
            Add(p, FeedGroups.PartnerAbroad, [p.Partner]);
        }
        for (int f = 0; f < s.SiblingFamilies; f++)
        {
            int parent = NewAccount(g.PickCountry(s.FamilyCountries), ReceiverType.Person);
            int n = g.Between(3, 5);
            string home = g.PickCountry(s.SenderCountries);
            for (int i = 0; i < n; i++)
            {
                // Most siblings live in the same country; some moved elsewhere.
                var p = new Sibling(this, Person(g.Chance(0.7) ? home : null), parent);
                Add(p, FeedGroups.Siblings, []);
            }
            Truth.Add(new(Accounts[parent].Id, FeedGroups.Siblings, FeedRoles.None));
        }
        for (int c = 0; c < s.Charities; c++)
        {
            int charity = NewAccount(g.PickCountry(s.FamilyCountries), ReceiverType.Business);
            Truth.Add(new(Accounts[charity].Id, FeedGroups.Charity, FeedRoles.None));
            for (int i = 0; i < s.DonorsPerCharity; i++) Add(new Donor(this, Person(), charity), FeedGroups.Charity, []);
        }
        for (int i = 0; i < s.Tourists; i++)
        {
            var p = new Tourist(this, Person());
            Add(p, FeedGroups.Tourist, p.Guide >= 0 ? [p.Guide] : []);
        }
        for (int i = 0; i < s.RemittanceTravellers; i++)
        {
            var p = new FamilyRemitter(this, Person(), 1, travels: true);
            Add(p, FeedGroups.RemittanceTraveller, p.Relatives);
        }
        for (int i = 0; i < s.Ordinary; i++) Actors.Add(new Ordinary(this, Person()));
    }

    private void BuildOffences()
    {
        var s = S;
        int[] facilitators = new int[s.Facilitators];
        for (int i = 0; i < facilitators.Length; i++)
        {
            facilitators[i] = NewAccount(g.PickCountry(s.FacilitatorCountries), ReceiverType.Person);
            Truth.Add(new(Accounts[facilitators[i]].Id, FeedGroups.Facilitator, FeedRoles.Facilitator));
        }
        int n = s.Purchasers;
        int hardCount = (int)Math.Round(n * s.HardPurchaserShare);
        var hard = new bool[n];
        foreach (int i in Enumerable.Range(0, n).OrderBy(_ => g.U()).Take(hardCount).ToArray()) hard[i] = true;
        var want = new int[n];
        for (int i = 0; i < n; i++) want[i] = hard[i] ? 1 : g.U() switch { < 0.45 => 1, < 0.8 => 2, _ => 3 };
        var capacity = new int[facilitators.Length];
        int small = s.SmallFacilitatorShare > 0 ? Math.Max(1, (int)Math.Round(capacity.Length * s.SmallFacilitatorShare)) : 0;
        for (int f = 0; f < capacity.Length; f++) capacity[f] = g.Between(3, s.MaxPurchasersPerFacilitator);
        foreach (int f in Enumerable.Range(0, capacity.Length).OrderBy(_ => g.U()).Take(small).ToArray()) capacity[f] = 2;
        var links = new List<int>[n];
        for (int i = 0; i < n; i++) links[i] = [];
        var load = new int[facilitators.Length];

        // Every facilitator gets two purchasers first, then each purchaser its wanted number.
        for (int f = 0; f < facilitators.Length; f++)
        {
            while (load[f] < 2)
            {
                int p = PickPurchaser(i => links[i].Count < want[i] && !links[i].Contains(f))
                    ?? PickPurchaser(i => !hard[i] && links[i].Count < 3 && !links[i].Contains(f))
                    ?? throw new ArgumentException("feed settings: too few purchasers for the facilitators");
                links[p].Add(f);
                want[p] = Math.Max(want[p], links[p].Count);
                load[f]++;
            }
        }
        for (int i = 0; i < n; i++)
        {
            while (links[i].Count < want[i])
            {
                // The facilitator with the most room; when all are full, a purchaser still gets its first
                // one, from those that are not meant to stay small.
                int best = -1;
                double bestScore = double.MinValue;
                for (int f = 0; f < facilitators.Length; f++)
                {
                    if (links[i].Contains(f)) continue;
                    int room = capacity[f] - load[f];
                    if (room <= 0 && (links[i].Count > 0 || capacity[f] == 2)) continue;
                    double score = room + g.U();
                    if (score > bestScore) { bestScore = score; best = f; }
                }
                if (best < 0 && links[i].Count == 0)
                    for (int f = 0; f < facilitators.Length; f++)
                        if (best < 0 || load[f] < load[best]) best = f;
                if (best < 0) break;
                links[i].Add(best);
                load[best]++;
            }
        }
        for (int i = 0; i < n; i++)
        {
            var facs = links[i].Select(f => facilitators[f]).ToArray();
            var p = new Purchaser(this, Person(), facs, hard[i]);
            Actors.Add(p);
            Truth.Add(new(Accounts[p.Account].Id, FeedGroups.Purchaser, FeedRoles.Purchaser, hard[i]));
        }

        int? PickPurchaser(Func<int, bool> ok)
        {
            var candidates = Enumerable.Range(0, n).Where(ok).ToArray();
            return candidates.Length == 0 ? null : candidates[g.Next(candidates.Length)];
        }
    }

    private void Add(Person p, string group, int[] counterparts)
    {
        Actors.Add(p);
        Truth.Add(new(Accounts[p.Account].Id, group, FeedRoles.None));
        foreach (int c in counterparts) Truth.Add(new(Accounts[c].Id, group, FeedRoles.None));
    }

    /// <summary>A new customer with a home in a rich country (the given one or a drawn one).</summary>
    private int Person(string? country = null)
    {
        country ??= g.PickCountry(S.SenderCountries);
        int id = NewAccount(country, ReceiverType.Person);
        Pool(country, rich: true).People.Add(id);
        return id;
    }

    public int NewAccount(string country, ReceiverType type)
    {
        // Drawn whether or not it is used, so the option changes currencies only.
        bool local = g.U() < 0.35;
        byte currency = 0;
        if (S.MultipleCurrencies && local && Array.IndexOf(RichCurrencyCountries, country) >= 0)
            currency = (byte)Array.IndexOf(FeedCurrencies.Codes, Countries.LocalCurrency(country));
        int index = Accounts.Count;
        Accounts.Add(new AccountInfo(IdOf(index), country, type, currency));
        return index;
    }

    /// <summary>Account ids that reveal neither the group nor the order of creation: a bijective scramble of the index.</summary>
    private string IdOf(int index)
    {
        uint x = (uint)index ^ _idKey;
        x = (x ^ (x >> 16)) * 0x45D9F3Bu;
        x = (x ^ (x >> 16)) * 0x45D9F3Bu;
        x ^= x >> 16;
        return "a" + x.ToString("D10", System.Globalization.CultureInfo.InvariantCulture);
    }

    public CountryPool Pool(string country, bool rich)
    {
        if (_pools.TryGetValue(country, out var pool))
        {
            if (rich && pool.Employers.Length == 0) Equip(pool, rich: true);
            return pool;
        }
        pool = new CountryPool(country);
        _pools[country] = pool;
        int m = S.MerchantsPerCountry;
        for (int k = 0; k < (int)Shop.Count; k++)
        {
            int count = rich ? (k == (int)Shop.Grocery ? Math.Max(2, m / 3) : Math.Max(2, m / 10)) : Math.Max(2, m / 8);
            var shops = new int[count];
            for (int i = 0; i < count; i++) shops[i] = NewAccount(country, ReceiverType.Business);
            pool.Shops[k] = shops;
        }
        pool.Atms = [NewAccount(country, ReceiverType.Business), NewAccount(country, ReceiverType.Business), NewAccount(country, ReceiverType.Business)];
        if (rich) Equip(pool, rich: true);
        return pool;
    }

    private void Equip(CountryPool pool, bool rich)
    {
        if (!rich) return;
        int[] billMcc = [4900, 4814, 6300, 6513];
        pool.Billers = new int[8];
        pool.BillerMcc = new int[8];
        for (int i = 0; i < 8; i++)
        {
            pool.Billers[i] = NewAccount(pool.Country, ReceiverType.Business);
            pool.BillerMcc[i] = billMcc[i % 4];
        }
        pool.Employers = new int[10];
        for (int i = 0; i < 10; i++) pool.Employers[i] = NewAccount(pool.Country, ReceiverType.Business);
    }

    public CountryPool PoolOf(int account) => _pools[Accounts[account].Country];

    public FeedGenerator Generator => g;
}

namespace Safeguard.Payments.Synthetic;

/// <summary>The description texts the generator uses, by index (index 0 is the empty description).</summary>
internal static class Descriptions
{
    private static readonly List<string> Table = [""];
    private static readonly Dictionary<string, int> Index = new(StringComparer.Ordinal) { [""] = 0 };

    public static IReadOnlyList<string> All => Table;

    private static int[] Set(params string[] texts)
    {
        var ids = new int[texts.Length];
        for (int i = 0; i < texts.Length; i++)
        {
            if (!Index.TryGetValue(texts[i], out int id))
            {
                id = Table.Count;
                Table.Add(texts[i]);
                Index[texts[i]] = id;
            }
            ids[i] = id;
        }
        return ids;
    }

    // Payments to facilitators: the published innocent-looking words, in English, Tagalog,
    // Spanish and Thai transliteration, and often nothing at all.
    public static readonly int[] Innocuous = Set(
        "school fees", "medical", "medical bills", "accommodation", "uniform", "gift", "load", "pasalubong",
        "allowance", "for the kids", "baon", "pambili", "regalo", "salamat", "pang tuition", "gamot",
        "matrícula", "medicina", "ayuda", "para la escuela", "uniforme", "renta",
        "kha rongrian", "kha ya", "khong khwan", "hotel", "bills", "help", "food", "", "", "", "");

    public static readonly int[] HardPurchase = Set("family support", "school fees", "allowance", "help", "support", "", "");

    public static readonly int[] Software = Set(
        "screen recorder pro", "vpn annual", "obs", "private browser", "vpn monthly", "webcam capture hd",
        "secure messenger premium", "encrypted cloud 2tb", "screen capture suite", "incognito vpn");

    public static readonly int[] CryptoBuy = Set("crypto purchase", "btc buy", "usdt", "");
    public static readonly int[] CryptoSend = Set("usdt transfer", "withdrawal", "", "");

    public static readonly int[] Family = Set(
        "family support", "school fees", "tuition", "allowance", "for mama", "for papa", "monthly support",
        "padala", "rent", "groceries", "para la familia", "");
    public static readonly int[] TopUp = Set("load", "allowance", "gift", "baon", "top up", "pang load", "");
    public static readonly int[] Partner = Set(
        "for you", "love you", "dinner", "rent", "gift", "bills", "mahal kita", "te amo", "miss you", "phone", "");
    public static readonly int[] Siblings = Set("for mama", "for papa", "medicine", "monthly support", "padala", "doctor", "medical", "");
    public static readonly int[] Donation = Set("donation", "monthly donation", "child sponsorship", "sponsor a child", "school program", "");
    public static readonly int[] Guide = Set("tour guide", "thanks", "tip", "");

    public static readonly int[] Card = Set("", "", "", "card purchase", "pos");
    public static readonly int[] Online = Set("order", "online order", "", "handicrafts");
    public static readonly int[] Salary = Set("salary", "payroll");
    public static readonly int[] Bill = Set("electricity", "internet", "mobile plan", "insurance", "rent", "water");
    public static readonly int[] Domestic = Set("rent share", "dinner", "thanks", "birthday", "concert tickets", "");
    public static readonly int[] Atm = Set("atm withdrawal", "");
    public static readonly int[] Hotel = Set("hotel", "guesthouse", "");
    public static readonly int[] Gifts = Set("toys", "shoes", "clothes", "phone", "");
    public static readonly int[] Sights = Set("tour", "souvenirs", "diving", "island tour", "");
}

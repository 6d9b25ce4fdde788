namespace Safeguard.Payments.Feed;

/// <summary>
/// One parsed row as the analyser sees it: text fields are spans over the reader's buffer (valid only
/// during the call that receives them), everything else is already a value. Made from a feed row by
/// <see cref="RowParser"/> or from a <see cref="Transaction"/> by <see cref="From"/>.
/// </summary>
public ref struct TransactionFields
{
    public ReadOnlySpan<char> Id;
    public ReadOnlySpan<char> Sender;
    public ReadOnlySpan<char> Receiver;
    public ReadOnlySpan<char> Currency;
    public ReadOnlySpan<char> Description;
    /// <summary>UTC ticks.</summary>
    public long Ticks;
    public CountryCode SenderCountry;
    public CountryCode ReceiverCountry;
    public ReceiverType ReceiverType;
    public Channel Channel;
    public int Mcc;
    public double Amount;
    public double AmountInBase;

    public static TransactionFields From(Transaction t) => new()
    {
        Id = t.Id,
        Sender = t.Sender,
        Receiver = t.Receiver,
        Currency = t.Currency,
        Description = t.Description,
        Ticks = t.Timestamp.UtcTicks,
        SenderCountry = CountryCode.TryParse(t.SenderCountry, out var s) ? s : default,
        ReceiverCountry = CountryCode.TryParse(t.ReceiverCountry, out var r) ? r : default,
        ReceiverType = t.ReceiverType,
        Channel = t.Channel,
        Mcc = t.Mcc,
        Amount = (double)t.Amount,
        AmountInBase = (double)(t.AmountInBase == 0 ? t.Amount : t.AmountInBase),
    };

    /// <summary>A record that owns its text, for outputs and reports.</summary>
    public readonly Transaction ToTransaction(IReadOnlyDictionary<string, string>? extra = null) => new()
    {
        Id = Id.ToString(),
        Timestamp = new DateTimeOffset(Ticks, TimeSpan.Zero),
        Sender = Sender.ToString(),
        SenderCountry = SenderCountry.ToString(),
        Receiver = Receiver.ToString(),
        ReceiverCountry = ReceiverCountry.ToString(),
        ReceiverType = ReceiverType,
        Amount = (decimal)Amount,
        Currency = Currency.ToString(),
        Channel = Channel,
        Mcc = Mcc,
        Description = Description.ToString(),
        AmountInBase = (decimal)AmountInBase,
        Extra = extra,
    };
}

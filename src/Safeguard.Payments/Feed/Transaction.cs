namespace Safeguard.Payments.Feed;

/// <summary>Whether the receiving account belongs to a private person or a business.</summary>
public enum ReceiverType : byte { Unknown, Person, Business }

/// <summary>How the money moved (the feed's <c>channel</c> column).</summary>
public enum Channel : byte { Unknown, BankTransfer, Remittance, EWallet, CryptoExchange, Card, Atm, DirectDebit, Other }

/// <summary>
/// One transaction of a feed, as read: the column set plus any extra columns.
/// Timestamps are UTC; <see cref="AmountInBase"/> is the amount in the rates table's base currency.
/// </summary>
public sealed record Transaction
{
    public required string Id { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
    public required string Sender { get; init; }
    public string SenderCountry { get; init; } = "";
    public required string Receiver { get; init; }
    public string ReceiverCountry { get; init; } = "";
    public ReceiverType ReceiverType { get; init; }
    public required decimal Amount { get; init; }
    public string Currency { get; init; } = "";
    public Channel Channel { get; init; }
    /// <summary>Card merchant category code, 0 when there is none.</summary>
    public int Mcc { get; init; }
    public string Description { get; init; } = "";
    public decimal AmountInBase { get; init; }
    /// <summary>Columns beyond the standard set, by header name, kept as read.</summary>
    public IReadOnlyDictionary<string, string>? Extra { get; init; }
}

/// <summary>The feed's text forms of <see cref="Channel"/> and <see cref="ReceiverType"/>.</summary>
public static class FeedNames
{
    public static string Of(Channel c) => c switch
    {
        Channel.BankTransfer => "bank_transfer",
        Channel.Remittance => "remittance",
        Channel.EWallet => "e_wallet",
        Channel.CryptoExchange => "crypto_exchange",
        Channel.Card => "card",
        Channel.Atm => "atm",
        Channel.DirectDebit => "direct_debit",
        Channel.Other => "other",
        _ => "",
    };

    public static string Of(ReceiverType r) => r switch
    {
        ReceiverType.Person => "person",
        ReceiverType.Business => "business",
        _ => "",
    };

    public static Channel ChannelOf(ReadOnlySpan<char> s) => s switch
    {
        "bank_transfer" => Channel.BankTransfer,
        "remittance" => Channel.Remittance,
        "e_wallet" => Channel.EWallet,
        "crypto_exchange" => Channel.CryptoExchange,
        "card" => Channel.Card,
        "atm" => Channel.Atm,
        "direct_debit" => Channel.DirectDebit,
        "" => Channel.Unknown,
        _ => Channel.Other,
    };

    public static ReceiverType ReceiverTypeOf(ReadOnlySpan<char> s) => s switch
    {
        "person" => ReceiverType.Person,
        "business" => ReceiverType.Business,
        _ => ReceiverType.Unknown,
    };

    /// <summary>The standard column set, in the order.</summary>
    public static readonly string[] Columns =
        ["id", "timestamp", "sender", "sender_country", "receiver", "receiver_country", "receiver_type", "amount", "currency", "channel", "mcc", "description"];
}

namespace Safeguard.Exchanges;

/// <summary>Every exchange type, by name. A new type is a folder and one line here.</summary>
public static class ExchangeTypes
{
    public static IReadOnlyList<ExchangeType> BuiltIn { get; } =
    [
        new FileExchange.FileExchangeType(),
        new UrlExchange.UrlExchangeType(),
        new Ncmec.NcmecExchangeType(),
        new ThreatExchange.ThreatExchangeExchangeType(),
        new StopNcii.StopNciiExchangeType(),
        new Tat.TatExchangeType(),
        new Federation.SafeguardExchangeType(),
    ];

    public static ExchangeType? Find(string? name) => BuiltIn.FirstOrDefault(t => t.Name == name);

    public static ExchangeType Get(string name) =>
        Find(name) ?? throw new ExchangeException($"unknown exchange type '{name}' (known: {string.Join(", ", BuiltIn.Select(t => t.Name))})");
}

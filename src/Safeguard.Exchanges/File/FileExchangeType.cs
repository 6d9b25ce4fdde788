using Safeguard.Exchanges.Lists;

namespace Safeguard.Exchanges.FileExchange;

/// <summary>A hash list in a local file, read whole on each fetch; skipped when it has not changed.</summary>
public sealed class FileExchangeType : ExchangeType
{
    public static readonly ExchangeSetting PathSetting = new("path", "the list file (plain, CSV or VICS JSON)", Required: true);

    public override string Name => "file";

    public override string Description => "a hash list in a local file (plain, CSV or VICS JSON), replaced whole when it changes";

    public override IReadOnlyList<ExchangeSetting> Settings { get; } = [PathSetting, HashList.Format, HashList.SignalType, HashList.AllowEmpty];

    public override string? Validate(ExchangeSettings settings) => base.Validate(settings) ?? HashList.Validate(settings);

    public override IExchangeClient Create(ExchangeSettings settings, ExchangeContext context) => new FileExchangeClient(settings, context);
}

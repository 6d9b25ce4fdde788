namespace Safeguard.Exchanges;

/// <summary>
/// One kind of exchange (file, url, safeguard, ncmec, threatexchange, stopncii, tat): its settings
/// and how to make a client from them. Each type lives in its own folder and is registered by one
/// line in <see cref="ExchangeTypes"/>.
/// </summary>
public abstract class ExchangeType
{
    /// <summary>The name used in commands, routes and the database ("ncmec").</summary>
    public abstract string Name { get; }

    /// <summary>One line for listings and help.</summary>
    public abstract string Description { get; }

    /// <summary>The settings this type reads. Secret ones are stored but never shown, returned or logged.</summary>
    public abstract IReadOnlyList<ExchangeSetting> Settings { get; }

    /// <summary>Whether reviewers' verdicts can be sent back upstream (<see cref="IExchangeClient.SendFeedbackAsync"/>).</summary>
    public virtual bool SupportsFeedback => false;

    /// <summary>Null when the settings can be used, else what is wrong (names the setting).</summary>
    public virtual string? Validate(ExchangeSettings settings)
    {
        foreach (var s in Settings)
            if (s.Required && string.IsNullOrWhiteSpace(settings.Get(s.Name))) return $"setting '{s.Name}' is required ({s.Description})";
        foreach (var name in settings.Names)
            if (!Settings.Any(s => s.Name == name) && !CommonSettings.Any(s => s.Name == name)) return $"unknown setting '{name}' for exchange type '{Name}' (known: {string.Join(", ", Settings.Select(s => s.Name))})";
        return null;
    }

    /// <summary>Settings every type takes, read by the fetcher rather than the client.</summary>
    public static IReadOnlyList<ExchangeSetting> CommonSettings { get; } =
    [
        new(ExchangeFetcher.MinPageIntervalSetting, "least time between two page requests, in milliseconds (rate limiting); default 0"),
        new(ExchangeFetcher.BulkAfterSetting, $"in the first fetch into an empty bank, entries applied page by page before the rest is gathered and added in one pass at the end; default {ExchangeFetcher.DefaultBulkAfter:D}"),
    ];

    /// <summary>A client for one exchange. Called for each fetch; clients hold no state between fetches beyond the checkpoint.</summary>
    public abstract IExchangeClient Create(ExchangeSettings settings, ExchangeContext context);
}

/// <summary>A setting an exchange type reads.</summary>
public sealed record ExchangeSetting(string Name, string Description, bool Required = false, bool Secret = false);

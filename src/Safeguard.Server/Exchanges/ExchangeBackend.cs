using Safeguard.Banks.Storage;
using Safeguard.Exchanges;
using Safeguard.Exchanges.Http;
using Safeguard.Storage.Banks;
using Safeguard.Storage.Exchanges;

namespace Safeguard.Server.Exchanges;

/// <summary>Where the service's exchanges live and what their clients may reach: one place, shared with the command line.</summary>
public static class ExchangeBackend
{
    /// <summary>The exchange store over the bank database (same file or server, so a page and its checkpoint commit together).</summary>
    public static IExchangeStore OpenStore(IBankStore banks) => banks is SqlBankStore sql
        ? new SqlExchangeStore(sql)
        : throw new ExchangeException($"exchanges need the SQL bank store, not {banks.GetType().Name}");

    /// <summary>
    /// What exchange clients may use: HTTP under the URL-fetching rules (public addresses only,
    /// unless allow-listed; every redirect hop checked), the default limits, the file roots.
    /// </summary>
    public static ExchangeContext Context(IReadOnlyList<string> allowList, IReadOnlyList<string> fileRoots) =>
        ExchangeHttp.CreateContext(new AddressPolicy(allowList), fileRoots: fileRoots);
}

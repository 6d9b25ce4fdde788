using System.CommandLine;
using Safeguard.Banks.Storage;
using Safeguard.Exchanges;
using Safeguard.Server.Exchanges;

namespace Safeguard.Cli.Commands;

/// <summary>Shared plumbing of the exchange commands: the stores, and configuration errors as usage errors.</summary>
internal static class ExchangeCommandSupport
{
    /// <summary>Runs an exchange action over the bank database; a refused configuration exits 2 naming what is wrong.</summary>
    public static int Run(ParseResult parse, Func<IBankStore, IExchangeStore, Task<int>> action) =>
        BankCommandSupport.Run(parse, async banks =>
        {
            try
            {
                return await action(banks, ExchangeBackend.OpenStore(banks));
            }
            catch (ExchangeException ex)
            {
                throw new UsageException(ex.Message);
            }
        });

    /// <summary>The value, or a usage error carrying the check's message.</summary>
    public static T Checked<T>(Func<T> check)
    {
        try
        {
            return check();
        }
        catch (ExchangeException ex)
        {
            throw new UsageException(ex.Message);
        }
        catch (Safeguard.Server.Errors.ValidationException ex)
        {
            throw new UsageException(ex.Message);
        }
    }

    /// <summary>The --set values as settings; a pair without '=' is a usage error naming it.</summary>
    public static Dictionary<string, string> Pairs(string[]? pairs) => Checked(() => ExchangeRequests.ParsePairs(pairs ?? []));
}

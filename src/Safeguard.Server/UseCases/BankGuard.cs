using Safeguard.Banks.Storage;
using Safeguard.Server.Errors;

namespace Safeguard.Server.UseCases;

/// <summary>The check every bank route makes first: the bank exists (404 otherwise).</summary>
public static class BankGuard
{
    public static async Task RequireAsync(IBankStore banks, string name)
    {
        if (name.Length > 200 || await banks.GetBankAsync(name) is null) throw new NotFoundException($"no bank named '{Trim(name)}'");
    }

    private static string Trim(string s) => s.Length > 80 ? s[..80] + "..." : s;
}

using System.CommandLine;
using System.Globalization;
using Safeguard.Server;
using Safeguard.Server.Audit;
using Safeguard.Server.Auth;
using Safeguard.Server.Data;

namespace Safeguard.Cli.Commands;

/// <summary>`safeguard keys create|list|revoke`: API keys of the service, stored hashed.</summary>
public static class KeysCommand
{
    public static Command Create()
    {
        var keys = new Command("keys", "Manage the service's API keys (stored hashed; a key is shown once, at creation).");
        var name = new Argument<string>("name") { Description = "Who or what the key is for" };
        var roles = new Option<string>("--roles") { Description = $"Comma-separated roles: {string.Join(", ", Roles.All)}", Required = true };
        var rate = new Option<int?>("--rate") { Description = "Requests per second allowed for this key (default: the server's --key-rate)" };
        var maxConcurrent = new Option<int?>("--max-concurrent") { Description = "Requests this key may have in progress at once; more get 429 (default: the server's --key-max-concurrent)" };
        var create = new Command("create", "Create a key and print it once.") { name, roles, rate, maxConcurrent };
        create.SetAction(parse => Run(parse, async (db, audit, store) =>
        {
            string[] r;
            try { r = Roles.Parse(parse.GetValue(roles)!); } catch (ArgumentException ex) { throw new UsageException(ex.Message); }
            if (parse.GetValue(rate) is <= 0) throw new UsageException("--rate must be positive");
            if (parse.GetValue(maxConcurrent) is <= 0 or > ApiKeyStore.MaxConcurrentLimit) throw new UsageException($"--max-concurrent must be 1..{ApiKeyStore.MaxConcurrentLimit}");
            var (info, secret) = await store.CreateAsync(parse.GetValue(name)!, r, parse.GetValue(rate), Actor(), parse.GetValue(maxConcurrent));
            Console.Error.WriteLine($"created key {info.Id} '{info.Name}' with roles {string.Join(",", info.Roles)}; it is shown only now:");
            Console.WriteLine(secret);
            return ExitCodes.Ok;
        }));
        var list = new Command("list", "List keys (never their secrets).");
        list.SetAction(parse => Run(parse, async (db, audit, store) =>
        {
            var all = await store.ListAsync();
            Console.WriteLine("ID\tPREFIX\tNAME\tROLES\tRATE\tMAX-CONCURRENT\tCREATED\tREVOKED");
            foreach (var k in all)
                Console.WriteLine(string.Join('\t', k.Id.ToString(CultureInfo.InvariantCulture), k.Prefix, k.Name, string.Join(",", k.Roles),
                    k.RatePerSecond?.ToString(CultureInfo.InvariantCulture) ?? "default",
                    k.MaxConcurrent?.ToString(CultureInfo.InvariantCulture) ?? "default", k.CreatedAt.ToString("u", CultureInfo.InvariantCulture),
                    k.RevokedAt?.ToString("u", CultureInfo.InvariantCulture) ?? "-"));
            return ExitCodes.Ok;
        }));
        var which = new Argument<string>("key") { Description = "Key id or prefix (as `keys list` shows)" };
        var revoke = new Command("revoke", "Revoke a key (takes effect on every node within seconds).") { which };
        revoke.SetAction(parse => Run(parse, async (db, audit, store) =>
        {
            if (await store.RevokeAsync(parse.GetValue(which)!, Actor())) { Console.WriteLine("revoked"); return ExitCodes.Ok; }
            Console.Error.WriteLine("safeguard: no active key with that id or prefix");
            return ExitCodes.SomeFailed;
        }));
        keys.Subcommands.Add(create);
        keys.Subcommands.Add(list);
        keys.Subcommands.Add(revoke);
        return keys;
    }

    internal static string Actor() => $"cli:{Environment.UserName}";

    internal static int Run(ParseResult parse, Func<ServerDb, AuditLog, ApiKeyStore, Task<int>> action)
    {
        try
        {
            return RunAsync().GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or InvalidOperationException or ArgumentException)
        {
            Console.Error.WriteLine($"safeguard: {ex.Message}");
            return ExitCodes.SomeFailed;
        }

        async Task<int> RunAsync()
        {
            var dbName = new ServerOptions { Db = parse.GetValue(GlobalOptions.Db) }.ResolveDb();
            await using var db = await ServerDb.OpenAsync(dbName);
            var audit = new AuditLog(db);
            return await action(db, audit, new ApiKeyStore(db, audit));
        }
    }
}

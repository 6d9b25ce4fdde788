using System.CommandLine;
using System.Net;
using Safeguard.Cli;
using Safeguard.Cli.Commands;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests;

/// <summary>`safeguard keys` and `safeguard audit` against the database a running server uses.</summary>
public sealed class CliCommandTests
{
    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        var root = new RootCommand("test");
        root.Options.Add(GlobalOptions.Db);
        foreach (var c in CommandCatalog.All()) root.Add(c);
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o); Console.SetError(e);
        try { return (CommandRunner.Run(root, args), o.ToString(), e.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }

    [Fact]
    public async Task Keys_created_listed_and_revoked_from_the_cli_work_against_the_server_and_audit_verify_reports_tampering()
    {
        var db = TestDb.Sqlite();
        await using var h = await ServerHarness.StartAsync(db, o => o with { Demo = false });

        var (code, secret, err) = Run("keys", "create", "ops <script>", "--roles", "curator,reviewer", "--db", db);
        Assert.Equal(0, code);
        secret = secret.Trim();
        Assert.StartsWith("sg_", secret);
        Assert.Contains("shown only now", err);
        using var client = NewClient(h.BaseUrl, secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/banks")).StatusCode);

        var list = Run("keys", "list", "--db", db);
        Assert.Equal(0, list.Code);
        Assert.Contains("curator,reviewer", list.Out);
        Assert.DoesNotContain(secret, list.Out);
        Assert.Equal(2, Run("keys", "create", "x", "--roles", "superuser", "--db", db).Code);
        Assert.Equal(1, Run("keys", "revoke", "999", "--db", db).Code);
        Assert.Equal(0, Run("keys", "revoke", secret[..11], "--db", db).Code);
        await Task.Delay(Auth.ApiKeyStore.CacheLifetime + TimeSpan.FromMilliseconds(500));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/banks")).StatusCode);

        var verify = Run("audit", "verify", "--db", db);
        Assert.Equal(0, verify.Code);
        Assert.Contains("intact", verify.Out);
        Assert.Contains("key.revoke", Run("audit", "list", "--db", db).Out);
        await h.State.Db.ExecAsync("UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 1");
        verify = Run("audit", "verify", "--db", db);
        Assert.Equal(1, verify.Code);
        Assert.Contains("TAMPERED", verify.Err);
    }
}

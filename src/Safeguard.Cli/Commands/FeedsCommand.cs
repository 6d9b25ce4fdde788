using System.CommandLine;
using System.Globalization;
using Safeguard.Exchanges.Federation;
using Safeguard.Server;
using Safeguard.Server.Feeds;

namespace Safeguard.Cli.Commands;

/// <summary>`safeguard feeds key|keygen|grant|revoke|list|feedback`: publishing banks to other Safeguard instances (docs/federation.md).</summary>
public static class FeedsCommand
{
    public static Option<string?> FeedKeyOption() => new("--feed-key")
    {
        Description = "Ed25519 key that signs feed pages, created 0600 on first use (default: beside the SQLite database, '<db>.feed-signing.key')",
    };

    public static Command Create()
    {
        var feeds = new Command("feeds", "Publish banks as signed feeds to other Safeguard instances: the feed key, grants per subscriber key, their feedback.");

        var feedKey = FeedKeyOption();
        var key = new Command("key", "Print the publisher's feed key (its id, base64 and PEM) for subscribers to pin; created on first use.") { feedKey };
        key.SetAction(parse => Guard(() =>
        {
            var path = parse.GetValue(feedKey) ?? new ServerOptions { Db = parse.GetValue(GlobalOptions.Db) }.ResolveFeedKey();
            using var k = FeedSigningKey.Open(path, create: true);
            Console.WriteLine($"key_id: {k.Id}");
            Console.WriteLine($"public_key: {k.PublicBase64}");
            Console.Write(k.PublicPem);
            Console.Error.WriteLine($"safeguard: private key at {k.Path} (keep it secret and backed up; subscribers pin the public key)");
            return ExitCodes.Ok;
        }));

        var keygen = new Command("keygen", "Make a subscriber's feedback key pair: the private key goes into the exchange's feedback_key setting, the public one to the publisher's `feeds grant --feedback-key`.");
        keygen.SetAction(_ =>
        {
            var (priv, pub, id) = FeedProtocol.NewKeyPair();
            Console.WriteLine($"feedback_key (secret): {priv}");
            Console.WriteLine($"public_key: {pub}");
            Console.WriteLine($"key_id: {id}");
            return ExitCodes.Ok;
        });

        var keyName = new Argument<string>("key-name") { Description = "The subscriber's API key name (as `keys create` named it); every active key of that name gets the grant" };
        var bank = new Option<string>("--bank") { Description = "The bank to publish", Required = true };
        var fields = new Option<string?>("--fields") { Description = $"Optional fields the subscriber sees, comma-separated: {string.Join(", ", FeedFieldNames.All)} (default: none; signal type and value always)" };
        var feedbackKey = new Option<string?>("--feedback-key") { Description = "The subscriber's Ed25519 public key (base64 or PEM) its signed feedback is checked with (none: no feedback accepted)" };
        var grant = new Command("grant", "Let a subscriber key read a bank's feed (again: replace the fields and feedback key).") { keyName, bank, fields, feedbackKey };
        grant.SetAction(parse => KeysCommand.Run(parse, async (db, audit, _) =>
        {
            FeedFields f;
            try { f = FeedFieldNames.Parse(parse.GetValue(fields)); } catch (ArgumentException ex) { throw new UsageException(ex.Message); }
            var g = await new FeedGrants(db, audit).GrantAsync(parse.GetValue(keyName)!, parse.GetValue(bank)!, f, parse.GetValue(feedbackKey), KeysCommand.Actor());
            Console.WriteLine($"granted key name '{g.KeyName}' the feed of bank '{g.Bank}' (fields: {Fields(g.Fields)}; feedback: {(g.FeedbackKey is null ? "none" : "signed with the given key")})");
            return ExitCodes.Ok;
        }));

        var revokeBank = new Option<string>("--bank") { Description = "The bank", Required = true };
        var revokeName = new Argument<string>("key-name") { Description = "The subscriber's API key name" };
        var revoke = new Command("revoke", "Withdraw a subscriber key's grant on a bank (effective on the next page it asks for).") { revokeName, revokeBank };
        revoke.SetAction(parse => KeysCommand.Run(parse, async (db, audit, _) =>
        {
            if (await new FeedGrants(db, audit).RevokeAsync(parse.GetValue(revokeName)!, parse.GetValue(revokeBank)!, KeysCommand.Actor()))
            {
                Console.WriteLine("revoked");
                return ExitCodes.Ok;
            }
            Console.Error.WriteLine("safeguard: no grant for that key name on that bank");
            return ExitCodes.SomeFailed;
        }));

        var list = new Command("list", "List grants: key name, bank, fields, whether feedback is accepted.");
        list.SetAction(parse => KeysCommand.Run(parse, async (db, audit, _) =>
        {
            Console.WriteLine("KEY-NAME\tBANK\tFIELDS\tFEEDBACK\tCREATED");
            foreach (var g in await new FeedGrants(db, audit).ListAsync())
                Console.WriteLine(string.Join('\t', g.KeyName, g.Bank, Fields(g.Fields), g.FeedbackKey is null ? "no" : "yes", g.CreatedAt.ToString("u", CultureInfo.InvariantCulture)));
            return ExitCodes.Ok;
        }));

        var feedbackBank = new Argument<string>("bank") { Description = "The published bank" };
        var limit = new Option<int>("--limit") { Description = "Most rows to print", DefaultValueFactory = _ => 1000 };
        var feedback = new Command("feedback", "List the signed feedback subscribers sent on a bank's feed, oldest first.") { feedbackBank, limit };
        feedback.SetAction(parse => KeysCommand.Run(parse, async (db, audit, _) =>
        {
            int n = parse.GetValue(limit);
            if (n < 1) throw new UsageException("--limit must be at least 1");
            Console.WriteLine("ID\tRECEIVED\tKEY-NAME\tSIGNAL-TYPE\tVALUE\tVERDICT\tNOTE");
            var rows = await new FeedFeedback(db, audit, TimeProvider.System).ListAsync(parse.GetValue(feedbackBank)!, 0, n);
            foreach (var f in rows)
                Console.WriteLine(string.Join('\t', f.Id.ToString(CultureInfo.InvariantCulture), f.ReceivedAt.ToString("u", CultureInfo.InvariantCulture), f.KeyName,
                    f.SignalType, f.Value, f.Verdict, OneLine(f.Note)));
            return ExitCodes.Ok;
        }));

        feeds.Subcommands.Add(key);
        feeds.Subcommands.Add(keygen);
        feeds.Subcommands.Add(grant);
        feeds.Subcommands.Add(revoke);
        feeds.Subcommands.Add(list);
        feeds.Subcommands.Add(feedback);
        return feeds;
    }

    // A subscriber wrote the note: no tab, newline or terminal escape gets through to the listing.
    private static string OneLine(string? s) => s is null ? "" : new string(s.Select(c => char.IsControl(c) ? ' ' : c).ToArray());

    private static string Fields(FeedFields f) => f == FeedFields.None ? "none" : FeedFieldNames.Format(f);

    private static int Guard(Func<int> action)
    {
        try { return action(); }
        catch (IOException ex) { Console.Error.WriteLine($"safeguard: {ex.Message}"); return ExitCodes.SomeFailed; }
    }
}

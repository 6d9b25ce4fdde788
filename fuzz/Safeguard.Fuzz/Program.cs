using System.Text;
using Safeguard.Banks.Formats;
using Safeguard.Fuzz;
using Safeguard.Fuzz.Targets;

// Fuzzing entry point, driven by scripts/fuzz.sh:
//   run TARGET                  the AFL++ persistent loop (SharpFuzz), input on stdin
//   seeds TARGET DIR DICT       writes the seed corpus and the AFL dictionary
//   replay TARGET FILE...       runs inputs once and says which crash (for triage and regression tests)
//   list                        the targets
// Factories: instrumented code must not run before SharpFuzz has set up the coverage map, so the
// chosen target is only created inside the fuzzing loop.
(string Name, Func<IFuzzTarget> Create)[] targets =
[
    ("image", () => new ImageTarget()), ("archive", () => new ArchiveTarget()),
    ("vics", () => new BankListTarget(BankFormat.Vics)), ("csv", () => new BankListTarget(BankFormat.Csv)),
    ("plain", () => new BankListTarget(BankFormat.Plain)), ("conversation", () => new ConversationTarget()),
    ("model", () => new ConversationModelTarget()), ("payments", () => new PaymentsFeedTarget()),
    ("tmk", () => new TmkTarget()),
];

if (args.Length == 0 || args[0] is "-h" or "--help") return Usage();
if (args[0] == "list")
{
    foreach (var (_, create) in targets)
    {
        var t = create();
        Console.WriteLine($"{t.Name,-13} {t.Description}");
    }
    return 0;
}
if (args.Length < 2) return Usage();
var factory = targets.FirstOrDefault(t => t.Name == args[1]).Create;
if (factory is null)
{
    Console.Error.WriteLine($"unknown target '{args[1]}' (known: {string.Join(", ", targets.Select(t => t.Name))})");
    return 2;
}
BugWatch.Install();
if (args[0] == "run")
{
    var buffer = new byte[1 << 20];
    IFuzzTarget? fuzzed = null;
    SharpFuzz.Fuzzer.Run(stream =>
    {
        fuzzed ??= factory();
        int length = ReadAll(stream, ref buffer);
        BugWatch.Run(fuzzed, buffer.AsSpan(0, length));
    });
    return 0;
}
var target = factory();
switch (args[0])
{
    case "seeds" when args.Length == 4:
        var sources = new SeedSources(
            Environment.GetEnvironmentVariable("SAFEGUARD_REPO") ?? Directory.GetCurrentDirectory(),
            Environment.GetEnvironmentVariable("SAFEGUARD_TESTDATA") ?? Path.Combine(Directory.GetCurrentDirectory(), "..", "shared", "testdata"));
        Directory.CreateDirectory(args[2]);
        int seeds = 0;
        foreach (var (name, bytes) in target.Seeds(sources))
        {
            File.WriteAllBytes(Path.Combine(args[2], $"{seeds++:D2}-{name}"), bytes);
            BugWatch.Run(target, bytes); // a seed that crashes would stop afl-fuzz before it starts
        }
        File.WriteAllLines(args[3], target.Dictionary.Select((token, i) => $"t{i}=\"{AflEscape(token)}\""));
        Console.WriteLine($"{target.Name}: {seeds} seeds in {args[2]}");
        return 0;
    case "replay":
        int crashes = 0;
        foreach (var file in args.Skip(2))
        {
            try
            {
                BugWatch.Run(target, File.ReadAllBytes(file));
                Console.WriteLine($"{file}: ok");
            }
            catch (Exception ex)
            {
                crashes++;
                Console.WriteLine($"{file}: CRASH {ex.GetType().FullName}: {ex.Message}");
                Console.WriteLine((ex as SwallowedBugException)?.InnerException?.StackTrace ?? ex.StackTrace);
            }
        }
        return crashes == 0 ? 0 : 1;
    default:
        return Usage();
}

static int Usage()
{
    Console.Error.WriteLine("usage: Safeguard.Fuzz run TARGET | seeds TARGET DIR DICT | replay TARGET FILE... | list");
    return 2;
}

static int ReadAll(Stream stream, ref byte[] buffer)
{
    int total = 0, n;
    while ((n = stream.Read(buffer, total, buffer.Length - total)) > 0)
    {
        total += n;
        if (total == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
    }
    return total;
}

// AFL dictionary values: printable ASCII as is, everything else (and quote, backslash) as \xHH.
static string AflEscape(string token)
{
    var sb = new StringBuilder();
    foreach (byte b in Encoding.Latin1.GetBytes(token))
        sb.Append(b is >= 0x20 and < 0x7F and not (byte)'"' and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:X2}");
    return sb.ToString();
}

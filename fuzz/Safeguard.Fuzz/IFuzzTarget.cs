namespace Safeguard.Fuzz;

/// <summary>
/// One parser under fuzzing. <see cref="Run"/> feeds it hostile bytes: the parser's documented
/// errors for bad input are caught inside; anything that escapes is a crash.
/// </summary>
public interface IFuzzTarget
{
    string Name { get; }

    /// <summary>What the target parses, for the usage text.</summary>
    string Description { get; }

    void Run(ReadOnlySpan<byte> input);

    /// <summary>Small benign inputs the fuzzer starts from (generated, or copied from the repository at run time).</summary>
    IEnumerable<(string Name, byte[] Bytes)> Seeds(SeedSources sources);

    /// <summary>Tokens worth splicing into inputs (AFL dictionary), e.g. JSON field names.</summary>
    IEnumerable<string> Dictionary { get; }
}

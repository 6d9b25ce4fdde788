using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Safeguard.Hashing.Tmk;
using Safeguard.Video.Tmk;

namespace Safeguard.Cli.Commands.Video;

/// <summary>
/// <c>safeguard video compare A B [C...]</c>: TMK level-1 and level-2 scores of every pair of
/// inputs, each a video (hashed) or a <c>.tmk</c> file (read), and whether the pair matches.
/// </summary>
public static class VideoCompareCommand
{
    /// <summary>--format; the first value is the default.</summary>
    public enum CompareFormat { Text, Json }

    public static Command Create()
    {
        var inputs = new Argument<string[]>("INPUT") { Arity = new ArgumentArity(2, 10_000), Description = "Two or more videos or .tmk files; every pair is scored." };
        var level1 = new Option<float>("--level1") { Description = "Level-1 threshold: cosine of the average frame features (-1..1).", DefaultValueFactory = _ => TmkParameters.DefaultLevel1Threshold };
        var level2 = new Option<float>("--level2") { Description = "Level-2 threshold: the time-kernel score (-1..1; 1 for a video against itself).", DefaultValueFactory = _ => TmkParameters.DefaultLevel2Threshold };
        var format = new Option<CompareFormat>("--format") { Description = "text: 'LEVEL1 LEVEL2 match|no-match A B' per pair; json: one JSON object per pair and line. Default: text." };
        var jobs = new Option<int>("--jobs") { Description = "Videos hashed at once (default: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("compare", "TMK+PDQF scores of every pair of videos or .tmk files, and the match decision (exit code 0 whether or not they match).")
        {
            inputs, level1, level2, format, jobs,
        };
        command.SetAction(p =>
        {
            float t1 = p.GetValue(level1), t2 = p.GetValue(level2);
            if (!(t1 >= -1 && t1 <= 1)) throw new UsageException("--level1 must be between -1 and 1");
            if (!(t2 >= -1 && t2 <= 1)) throw new UsageException("--level2 must be between -1 and 1");
            if (p.GetValue(jobs) < 1) throw new UsageException("--jobs must be at least 1");
            return Run(p.GetValue(inputs)!, t1, t2, p.GetValue(format), p.GetValue(jobs));
        });
        return command;
    }

    private static int Run(string[] inputs, float t1, float t2, CompareFormat format, int jobs)
    {
        var features = new TmkFeatures?[inputs.Length];
        var errors = new string?[inputs.Length];
        var options = new TmkOptions { DecoderThreads = 1 };
        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = jobs }, i =>
        {
            try { features[i] = TmkInput.Load(inputs[i], options); }
            catch (Exception ex) when (ex is not OperationCanceledException) { errors[i] = ex.Message; }
        });
        bool failed = false;
        for (int i = 0; i < inputs.Length; i++)
        {
            if (features[i] is { } f && TmkInput.ShortVideoNote(f) is { } note) Console.Error.WriteLine($"safeguard: {inputs[i]}: {note}");
            if (errors[i] is null) continue;
            failed = true;
            Console.Error.WriteLine(errors[i]!.StartsWith(inputs[i] + ":", StringComparison.Ordinal) ? $"safeguard: {errors[i]}" : $"safeguard: {inputs[i]}: {errors[i]}");
        }
        var o = Console.Out;
        var inv = CultureInfo.InvariantCulture;
        for (int i = 0; i < inputs.Length; i++)
        {
            for (int j = i + 1; j < inputs.Length; j++)
            {
                if (features[i] is not { } a || features[j] is not { } b) continue;
                if (TmkFeatures.Incompatibility(a, b) is { } why)
                {
                    failed = true;
                    Console.Error.WriteLine($"safeguard: {inputs[i]} and {inputs[j]} cannot be compared: {why}");
                    continue;
                }
                var score = TmkScorer.Score(a, b);
                bool match = score.Matches(t1, t2);
                // Scores print as Meta's tools print them (%.6f of the float).
                if (format == CompareFormat.Text)
                {
                    o.WriteLine(string.Create(inv, $"{(double)score.Level1:F6} {(double)score.Level2:F6} {(match ? "match" : "no-match")} {inputs[i]} {inputs[j]}"));
                }
                else
                {
                    o.WriteLine(JsonSerializer.Serialize(new
                    {
                        a = inputs[i], b = inputs[j],
                        level1 = Math.Round((double)score.Level1, 6), level2 = Math.Round((double)score.Level2, 6),
                        match, level1_threshold = Math.Round((double)t1, 6), level2_threshold = Math.Round((double)t2, 6),
                    }));
                }
            }
        }
        return failed ? ExitCodes.SomeFailed : ExitCodes.Ok;
    }
}

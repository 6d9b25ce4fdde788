using System.CommandLine;
using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Evaluation;
using Safeguard.Conversations.Model;
using Safeguard.Conversations.Training;

namespace Safeguard.Cli.Commands.Chat;

/// <summary>`safeguard chat eval DIR`: precision, recall, F0.5 and detection delay on a labelled set.</summary>
public static class ChatEvalCommand
{
    public static Command Create()
    {
        var dir = new Argument<string[]>("inputs") { Description = "Labelled conversation JSON files, CSV segment files (text,label), or directories of them (searched recursively)", Arity = ArgumentArity.OneOrMore };
        var threshold = new Option<string>("--threshold") { Description = "Level that counts as flagged: low, medium, high (default) or critical" };
        var verbose = new Option<bool>("--verbose") { Description = "List every misclassified conversation" };
        var model = ChatCommand.ModelOption();
        var modelInput = ChatCommand.ModelInputOption();
        var textColumn = ChatCommand.TextColumnOption();
        var labelColumn = ChatCommand.LabelColumnOption();
        var command = new Command("eval", "Evaluate the analyser (and a model) on labelled conversations.") { dir, threshold, verbose, model, modelInput, textColumn, labelColumn };
        command.SetAction(parse => Run(parse.GetValue(dir)!, ChatCommand.ParseLevel(parse.GetValue(threshold)).Level,
            parse.GetValue(verbose), Console.Out, Console.Error, parse.GetValue(model), parse.GetValue(modelInput),
            parse.GetValue(textColumn), parse.GetValue(labelColumn)));
        return command;
    }

    internal static int Run(string directory, RiskLevel threshold, bool verbose, TextWriter output, TextWriter errors,
        string? modelPath = null, string? modelInput = null) =>
        Run([directory], threshold, verbose, output, errors, modelPath, modelInput);

    internal static int Run(string[] inputs, RiskLevel threshold, bool verbose, TextWriter output, TextWriter errors,
        string? modelPath = null, string? modelInput = null, string? textColumn = null, string? labelColumn = null)
    {
        var files = new List<(string File, string Name)>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
                files.AddRange(Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal).Select(f => (f, Path.GetRelativePath(input, f))));
            else if (File.Exists(input)) files.Add((input, Path.GetFileName(input)));
            else throw new UsageException($"no such file or directory: {input}");
        }
        var (options, model) = ChatCommand.Options(modelPath, modelInput);
        using var _ = model;
        var evaluator = new Evaluator(threshold, options);
        var cases = new List<EvaluationCase>();
        var failed = 0;
        foreach (var (file, name) in files)
        {
            try
            {
                if (file.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
                {
                    var csv = new TrainingSetReader { TextColumn = textColumn, LabelColumn = labelColumn };
                    csv.Read(file);
                    foreach (var item in csv.Items)
                        cases.Add(evaluator.Evaluate(item.Id, item.Conversation, new ConversationLabel(item.IsRisk, item.Category, Path.GetFileName(file), null)));
                    continue;
                }
                using var stream = File.OpenRead(file);
                var (conversation, label) = ConversationJson.ReadLabelled(stream);
                if (label is null) { errors.WriteLine($"safeguard: {file}: no label, skipped"); continue; }
                cases.Add(evaluator.Evaluate(name, conversation, label));
            }
            catch (TrainingDataException ex)
            {
                errors.WriteLine($"safeguard: {ex.Message}");
                failed++;
            }
            catch (Exception ex) when (ex is ConversationFormatException or IOException or UnauthorizedAccessException)
            {
                errors.WriteLine($"safeguard: {file}: {ex.Message}");
                failed++;
            }
        }
        if (cases.Count == 0) throw new UsageException($"no labelled conversations in {string.Join(", ", inputs)}");

        if (options.Model is { } trained)
            output.WriteLine($"Model: {trained.Name}, threshold {trained.Threshold:0.0000} (its probability at the level-high boundary).");
        output.WriteLine($"Flagged at level >= {threshold.Name()}; delay = messages from the first request/threat to detection (negative = before it).");
        output.WriteLine();
        output.WriteLine($"{"set",-10} {"n",5} {"pos",5} {"TP",4} {"FP",4} {"FN",4} {"precision",10} {"recall",7} {"F0.5",6} {"median delay",13} {"late",5}");
        foreach (var split in cases.Select(c => c.Label.Split).Distinct().Order(StringComparer.Ordinal))
            WriteRow(output, split, EvaluationMetrics.Of(cases.Where(c => c.Label.Split == split).ToList()));
        WriteRow(output, "all", EvaluationMetrics.Of(cases));

        output.WriteLine();
        output.WriteLine("By category (all splits):");
        foreach (var group in cases.GroupBy(c => (c.Label.IsRisk, c.Label.Category)).OrderBy(g => g.Key.IsRisk).ThenBy(g => g.Key.Category, StringComparer.Ordinal))
        {
            var flagged = group.Count(c => c.Flagged);
            var delays = group.Where(c => c.Delay is not null).Select(c => c.Delay!.Value).ToList();
            var delayText = delays.Count > 0 ? $", worst delay {delays.Max()}" : "";
            output.WriteLine($"  {(group.Key.IsRisk ? "risk" : "benign"),-7} {group.Key.Category,-16} {flagged}/{group.Count()} flagged{delayText}");
        }
        if (verbose)
        {
            output.WriteLine();
            output.WriteLine("Misclassified or late:");
            foreach (var c in cases.Where(c => c.Flagged != c.Label.IsRisk || c.Delay > 0))
                output.WriteLine($"  {c.File}: {(c.Label.IsRisk ? "risk" : "benign")}, final {c.FinalLevel.Name()} {c.FinalScore:0.00}" +
                                 (c.Delay is { } d ? $", delay {d}" : ""));
        }
        return failed > 0 ? ExitCodes.SomeFailed : ExitCodes.Ok;
    }

    private static void WriteRow(TextWriter o, string name, EvaluationMetrics m) =>
        o.WriteLine($"{name,-10} {m.Total,5} {m.Positives,5} {m.TruePositives,4} {m.FalsePositives,4} {m.FalseNegatives,4} " +
                    $"{m.Precision,10:0.000} {m.Recall,7:0.000} {m.F05,6:0.000} {(m.MedianDelay is { } d ? d.ToString("0.#") : "-"),13} {m.LateDetections,5}");
}

using System.CommandLine;
using System.Globalization;
using Safeguard.Conversations.Models;
using Safeguard.Conversations.Training;

namespace Safeguard.Cli.Commands.Chat;

/// <summary>`safeguard chat train INPUT... --out MODEL`: trains, cross-validates and writes a conversation model.</summary>
public static class ChatTrainCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Labelled conversations: JSON files, CSV segment files (text,label) or directories of them", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Model file to write", Required = true };
        var cv = new Option<int>("--cv") { Description = "Folds of cross-validation, which also choose the threshold (default 5)", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Seed for folds, splits and the learner (default 1)", DefaultValueFactory = _ => 1 };
        var progress = new Option<bool>("--progress") { Description = "Report each stage on standard error" };
        var test = new Option<string[]>("--test") { Description = "Held-out labelled inputs to score the model on (never trained on)", AllowMultipleArgumentsPerToken = true };
        var testFraction = new Option<double?>("--test-fraction") { Description = "Hold out this fraction of the inputs (stratified, by seed) and score the model on it" };
        var baseline = new Option<bool>("--baseline") { Description = "Also train a plain bag-of-words logistic regression on the same data and score it on the held-out part" };
        var l1 = new Option<double?>("--l1") { Description = "L1 penalty (default 0)" };
        var l2 = new Option<double?>("--l2") { Description = "L2 penalty (default 0.1)" };
        var minDf = new Option<int?>("--min-df") { Description = "Keep n-grams found in at least this many conversations (default 2)" };
        var textColumn = ChatCommand.TextColumnOption();
        var labelColumn = ChatCommand.LabelColumnOption();
        var trainedAt = new Option<string>("--trained-at") { Description = "Training time to record (ISO 8601; default now), for reproducible files" };
        var command = new Command("train", "Train a conversation model from labelled conversations.")
        {
            inputs, output, cv, seed, progress, test, testFraction, baseline, l1, l2, minDf, textColumn, labelColumn, trainedAt,
        };
        command.SetAction(parse =>
        {
            var settings = new TrainingSettings();
            settings = settings with
            {
                L1 = parse.GetValue(l1) ?? settings.L1,
                L2 = parse.GetValue(l2) ?? settings.L2,
                MinDocumentFrequency = parse.GetValue(minDf) ?? settings.MinDocumentFrequency,
            };
            if (settings.L1 < 0 || settings.L2 < 0 || !double.IsFinite(settings.L1) || !double.IsFinite(settings.L2))
                throw new UsageException("--l1 and --l2 must be zero or more");
            if (settings.MinDocumentFrequency < 1) throw new UsageException("--min-df must be at least 1");
            DateTimeOffset? at = null;
            if (parse.GetValue(trainedAt) is { } text)
                at = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                    ? t.ToUniversalTime() : throw new UsageException($"--trained-at \"{text}\" is not an ISO 8601 time");
            var options = new TrainingOptions { Folds = parse.GetValue(cv), Seed = parse.GetValue(seed), Settings = settings, TrainedAt = at };
            return Run(parse.GetValue(inputs)!, parse.GetValue(output)!, options, parse.GetValue(test) ?? [], parse.GetValue(testFraction),
                parse.GetValue(baseline), parse.GetValue(progress), Console.Out, Console.Error, parse.GetValue(textColumn), parse.GetValue(labelColumn));
        });
        return command;
    }

    internal static int Run(string[] inputs, string outputPath, TrainingOptions options, string[] testInputs, double? testFraction,
        bool baseline, bool progress, TextWriter output, TextWriter errors, string? textColumn = null, string? labelColumn = null)
    {
        if (testInputs.Length > 0 && testFraction is not null) throw new UsageException("give --test or --test-fraction, not both");
        if (baseline && testInputs.Length == 0 && testFraction is null) throw new UsageException("--baseline needs --test or --test-fraction");
        try
        {
            var read = TrainingSetReader.ReadAll(inputs, textColumn, labelColumn);
            foreach (var warning in read.Warnings) errors.WriteLine($"safeguard: {warning}");
            var training = read.Items.ToList();
            List<LabelledConversation> test = [];
            if (testInputs.Length > 0)
            {
                var held = TrainingSetReader.ReadAll(testInputs, textColumn, labelColumn);
                foreach (var warning in held.Warnings) errors.WriteLine($"safeguard: {warning}");
                test = [.. held.Items];
                var trainingTexts = training.Select(t => ConversationTrainer.ContentKey(t.Conversation)).ToHashSet(StringComparer.Ordinal);
                var overlap = test.Count(t => trainingTexts.Contains(ConversationTrainer.ContentKey(t.Conversation)));
                if (overlap > 0) errors.WriteLine($"safeguard: warning: {overlap} test conversation(s) repeat a training text; test figures will flatter the model");
            }
            else if (testFraction is { } fraction)
                (training, test) = HeldOutEvaluation.Split(training, fraction, options.Seed);

            Action<string>? report = progress ? message => errors.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}") : null;
            var started = DateTime.UtcNow;
            var result = new ConversationTrainer(options, report).Train(training, read.Sources);
            foreach (var warning in result.Warnings) errors.WriteLine($"safeguard: warning: {warning}");
            ModelFile.Save(result.Model, outputPath);

            var model = result.Model;
            var summary = model.Training!;
            var cvResult = model.CrossValidation!;
            output.WriteLine($"Trained on {summary.Conversations} conversations ({summary.Risk} risk, {summary.Benign} benign, {summary.Messages} messages); data sha256 {summary.DataSha256[..16]}…");
            output.WriteLine($"{cvResult.Folds}-fold cross-validation, each fold's threshold chosen on the other folds:");
            WriteMetrics(output, "  cross-validated", cvResult.Pooled);
            output.WriteLine($"  fold F0.5: {string.Join(", ", cvResult.FoldF05.Select(f => f.ToString("0.000", CultureInfo.InvariantCulture)))}");
            output.WriteLine($"Threshold {model.Threshold:0.0000} (F0.5 on all held-out folds); {model.TermCount} terms with a weight; {new FileInfo(outputPath).Length / 1024.0:0.#} KiB written to {outputPath} in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
            if (test.Count > 0)
            {
                output.WriteLine($"Held-out test: {test.Count} conversations ({test.Count(t => t.IsRisk)} risk), never used for training or the threshold:");
                WriteMetrics(output, "  this model", HeldOutEvaluation.Evaluate(model, test));
                if (baseline)
                {
                    var predictions = BagOfWordsBaseline.TrainAndPredict(training, test, options.Seed);
                    WriteMetrics(output, "  bag-of-words LR", BinaryMetrics.Of([.. test.Select(t => t.IsRisk)], predictions));
                }
            }
            return ExitCodes.Ok;
        }
        catch (TrainingDataException ex) { throw new UsageException(ex.Message); }
        catch (ModelFormatException ex) { throw new UsageException(ex.Message); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw new UsageException($"{outputPath}: {ex.Message}"); }
    }

    internal static void WriteMetrics(TextWriter output, string name, BinaryMetrics m) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-18} precision {m.Precision:0.000}  recall {m.Recall:0.000}  F0.5 {m.F05:0.000}  (TP {m.TruePositives}, FP {m.FalsePositives}, FN {m.FalseNegatives} of {m.Total})"));
}

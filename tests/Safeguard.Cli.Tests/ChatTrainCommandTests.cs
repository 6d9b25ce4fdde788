using System.Text.Json;
using Safeguard.Cli.Commands.Chat;

namespace Safeguard.Cli.Tests;

/// <summary>`safeguard chat train` and the commands that load its models, end to end.</summary>
[Collection("Console")]
public sealed class ChatTrainCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-train-").FullName;
    private static readonly string EvalSet = Path.Combine(Repository.Root, "data", "conversations", "eval");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Exit, string Out, string Err) Run(params string[] args) => ChatCommandTests.Run(args);

    private string Path_(string name) => Path.Combine(_dir, name);

    [Fact]
    public void Train_reports_cross_validation_and_a_held_out_comparison_and_writes_a_loadable_model()
    {
        var model = Path_("m.sgmodel");
        var (exit, output, err) = Run("chat", "train", EvalSet, "--out", model, "--cv", "4", "--test-fraction", "0.3", "--baseline", "--progress");
        Assert.True(exit == 0, err);
        Assert.Contains("4-fold cross-validation", output);
        Assert.Contains("cross-validated", output);
        Assert.Contains("this model", output);
        Assert.Contains("bag-of-words LR", output);
        Assert.Contains("cross-validation: fold 4/4", err);
        Assert.True(File.Exists(model));

        var eval = Run("chat", "eval", EvalSet, "--model", model);
        Assert.Equal(0, eval.Exit);
        Assert.Contains("Model: ngram-linear", eval.Out);

        var grooming = Directory.GetFiles(EvalSet, "*groom*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var analyzed = Run("chat", "analyze", "--json", grooming, "--model", model);
        Assert.Equal(0, analyzed.Exit);
        using var doc = JsonDocument.Parse(analyzed.Out);
        var part = doc.RootElement.GetProperty("model");
        Assert.InRange(part.GetProperty("probability").GetDouble(), 0, 1);
        Assert.True(part.GetProperty("top_terms").GetArrayLength() > 0);
        Assert.Contains("strongest terms", Run("chat", "analyze", grooming, "--model", model).Out);
    }

    [Fact]
    public void Eval_reads_csv_segments_and_the_built_in_model()
    {
        var csv = Path_("seg.csv");
        // A critical threat (indicators at 0.85 or more are never lowered by a model) and small talk.
        File.WriteAllText(csv, "text,label\n\"i have your nudes. pay me 200 dollars or i send them to everyone, you have 10 minutes\",1\n\"what time is practice tomorrow\",0\n");
        var (exit, output, err) = Run("chat", "eval", csv, "--model", "default");
        Assert.True(exit == 0, err);
        Assert.Contains("seg.csv", output);
        Assert.Matches(@"all\s+2\s+1\s+1\s+0\s+0", output);
    }

    [Fact]
    public void A_failed_training_leaves_an_existing_model_untouched()
    {
        var model = Path_("keep.sgmodel");
        File.WriteAllText(model, "previous");
        var bad = Path_("one-class.csv");
        File.WriteAllText(bad, "text,label\na,1\nb,1\n");
        var (exit, _, err) = Run("chat", "train", bad, "--out", model);
        Assert.Equal(2, exit);
        Assert.Contains("training needs both classes", err);
        Assert.Equal("previous", File.ReadAllText(model));
        Assert.Single(Directory.GetFiles(_dir, "*keep*"));
    }

    [Fact]
    public void A_corrupt_model_is_a_usage_error_naming_the_file()
    {
        var model = Path_("m.sgmodel");
        Assert.Equal(0, Run("chat", "train", EvalSet, "--out", model, "--cv", "2").Exit);
        var bytes = File.ReadAllBytes(model);
        File.WriteAllBytes(model, bytes[..(bytes.Length - 10)]);
        var conversation = Directory.GetFiles(EvalSet, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var (exit, _, err) = Run("chat", "analyze", conversation, "--model", model);
        Assert.Equal(2, exit);
        Assert.Contains(model, err);
        Assert.Contains("corrupt or truncated", err);
        Assert.Contains("--model-input is for ONNX", Run("chat", "analyze", conversation, "--model", "default", "--model-input", "text").Err);
    }

    [Theory]
    [InlineData("--cv", "1", "--cv must be between 2 and 100")]
    [InlineData("--l2", "-1", "--l1 and --l2 must be zero or more")]
    [InlineData("--test-fraction", "1.5", "--test-fraction must be between 0 and 1")]
    [InlineData("--trained-at", "yesterday", "not an ISO 8601 time")]
    public void Bad_options_are_usage_errors(string option, string value, string expected)
    {
        var (exit, _, err) = Run("chat", "train", EvalSet, "--out", Path_("x.sgmodel"), option, value);
        Assert.Equal(2, exit);
        Assert.Contains(expected, err);
        Assert.False(File.Exists(Path_("x.sgmodel")));
    }
}

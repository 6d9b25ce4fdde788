using System.CommandLine;
using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Models;
using Safeguard.Conversations.Onnx;

namespace Safeguard.Cli.Commands.Chat;

/// <summary>`safeguard chat`: grooming and sextortion risk in conversations.</summary>
public static class ChatCommand
{
    public static Command Create()
    {
        var chat = new Command("chat", "Grooming and sextortion risk in conversations.");
        chat.Add(ChatAnalyzeCommand.Create());
        chat.Add(ChatEvalCommand.Create());
        chat.Add(ChatBenchCommand.Create());
        chat.Add(ChatTrainCommand.Create());
        return chat;
    }

    internal static RiskLevelArg ParseLevel(string? text) => text?.ToLowerInvariant() switch
    {
        null or "high" => new(Safeguard.Conversations.Analysis.RiskLevel.High),
        "low" => new(Safeguard.Conversations.Analysis.RiskLevel.Low),
        "medium" => new(Safeguard.Conversations.Analysis.RiskLevel.Medium),
        "critical" => new(Safeguard.Conversations.Analysis.RiskLevel.Critical),
        _ => throw new UsageException($"--threshold must be low, medium, high or critical, not \"{text}\""),
    };

    internal static Option<string> ModelOption() =>
        new("--model") { Description = "A model from 'chat train' (or 'default' for the shipped one), or an ONNX model (see docs/conversations.md)" };

    internal static Option<string> TextColumnOption() =>
        new("--text-column") { Description = "CSV column with the text (default: text, segment, conversation or content)" };

    internal static Option<string> LabelColumnOption() =>
        new("--label-column") { Description = "CSV column with the label (default: label)" };

    internal static Option<string> ModelInputOption() =>
        new("--model-input") { Description = "What the model takes: features (default) or text" };

    /// <summary>Builds analyser options, loading the model if one was given. The caller disposes the model.</summary>
    internal static (AnalyzerOptions Options, IDisposable? Model) Options(string? modelPath, string? modelInput)
    {
        if (modelPath is null)
        {
            if (modelInput is not null) throw new UsageException("--model-input needs --model");
            return (AnalyzerOptions.Default, null);
        }
        if (modelPath == "default" && !File.Exists(modelPath) || File.Exists(modelPath) && ModelFile.LooksLikeModel(modelPath))
        {
            if (modelInput is not null) throw new UsageException("--model-input is for ONNX models; a model from 'chat train' says what it reads");
            return (new AnalyzerOptions { Model = LoadTrainedModel(modelPath, "--model") }, null);
        }
        var kind = modelInput?.ToLowerInvariant() switch
        {
            null or "features" => OnnxInputKind.Features,
            "text" => OnnxInputKind.Text,
            _ => throw new UsageException($"--model-input must be features or text, not \"{modelInput}\""),
        };
        if (!File.Exists(modelPath)) throw new UsageException($"no such model file: {modelPath}");
        try
        {
            var model = new OnnxConversationClassifier(modelPath, kind);
            return (new AnalyzerOptions { Classifier = model }, model);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"{modelPath}: {ex.Message}");
        }
    }

    /// <summary>Loads a model from 'chat train' (or the shipped default); anything else is a usage error naming the option.</summary>
    internal static ConversationModel LoadTrainedModel(string path, string option)
    {
        try
        {
            if (path == "default" && !File.Exists(path)) return DefaultConversationModel.Load();
            return ModelFile.Load(path);
        }
        catch (ModelFormatException ex) { throw new UsageException($"{option}: {ex.Message}"); }
    }

    internal readonly record struct RiskLevelArg(Safeguard.Conversations.Analysis.RiskLevel Level);
}

using System.CommandLine;
using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Model;

namespace Safeguard.Cli.Commands.Chat;

/// <summary>`safeguard chat analyze FILE|-`: explains the risk in one conversation.</summary>
public static class ChatAnalyzeCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "Conversation JSON file, or - for standard input" };
        var json = new Option<bool>("--json") { Description = "Print the analysis as JSON" };
        var model = ChatCommand.ModelOption();
        var modelInput = ChatCommand.ModelInputOption();
        var command = new Command("analyze", "Score a conversation and show the indicators, stage and timeline.") { file, json, model, modelInput };
        command.SetAction(parse => Run(parse.GetValue(file)!, parse.GetValue(json), Console.Out, parse.GetValue(model), parse.GetValue(modelInput)));
        return command;
    }

    internal static int Run(string file, bool asJson, TextWriter output, string? modelPath = null, string? modelInput = null)
    {
        Conversation conversation;
        try
        {
            if (file == "-")
            {
                using var input = Console.OpenStandardInput();
                conversation = ConversationJson.Read(input);
            }
            else
            {
                if (!File.Exists(file)) throw new UsageException($"no such file: {file}");
                using var input = File.OpenRead(file);
                conversation = ConversationJson.Read(input);
            }
        }
        catch (ConversationFormatException ex)
        {
            throw new UsageException($"{file}: {ex.Message}");
        }
        var (options, model) = ChatCommand.Options(modelPath, modelInput);
        using var _ = model;
        var analysis = new ConversationAnalyzer(options).Analyze(conversation);
        if (asJson) output.WriteLine(AnalysisJson.Serialize(analysis));
        else AnalysisText.Write(analysis, output);
        return ExitCodes.Ok;
    }
}

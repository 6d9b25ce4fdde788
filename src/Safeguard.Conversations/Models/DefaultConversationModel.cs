namespace Safeguard.Conversations.Models;

/// <summary>
/// The model shipped with Safeguard, trained on the repository's evaluation set by <c>scripts/train-default-chat-model.sh</c>
/// and embedded in this library. Small and for trying the feature out; organisations should train on their own data.
/// </summary>
public static class DefaultConversationModel
{
    private const string ResourceName = "models/default.sgmodel";
    private static readonly Lazy<ConversationModel> Model = new(LoadEmbedded);

    public static ConversationModel Load() => Model.Value;

    private static ConversationModel LoadEmbedded()
    {
        using var stream = typeof(DefaultConversationModel).Assembly.GetManifestResourceStream(ResourceName)
                           ?? throw new ModelFormatException("this build carries no default conversation model");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        try { return ModelFile.Parse(buffer.ToArray()); }
        catch (ModelFormatException ex) { throw new ModelFormatException($"the built-in model: {ex.Message}", ex); }
    }
}

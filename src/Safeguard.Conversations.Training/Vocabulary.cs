using Safeguard.Conversations.Models;

namespace Safeguard.Conversations.Training;

/// <summary>
/// The n-grams a model may use, chosen from its training conversations only: those in at least
/// <see cref="TrainingSettings.MinDocumentFrequency"/> conversations, the most frequent first up to
/// <see cref="TrainingSettings.MaxTerms"/>, with smoothed IDF weights.
/// </summary>
internal sealed class Vocabulary
{
    private readonly Dictionary<ulong, int> _index = [];

    public List<ulong> Hashes { get; } = [];
    public List<float> Idf { get; } = [];
    public int Count => Hashes.Count;

    public static Vocabulary Build(IReadOnlyList<ExtractedConversation> training, TrainingSettings settings)
    {
        var df = new Dictionary<ulong, int>();
        foreach (var c in training)
            foreach (var hash in c.Counts.Keys)
                df[hash] = df.GetValueOrDefault(hash) + 1;
        var vocabulary = new Vocabulary();
        var n = training.Count;
        foreach (var (hash, count) in df.Where(kv => kv.Value >= settings.MinDocumentFrequency)
                     .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(settings.MaxTerms))
        {
            vocabulary._index[hash] = vocabulary.Hashes.Count;
            vocabulary.Hashes.Add(hash);
            vocabulary.Idf.Add((float)(Math.Log((1.0 + n) / (1.0 + count)) + 1));
        }
        return vocabulary;
    }

    public bool TryIndex(ulong hash, out int index) => _index.TryGetValue(hash, out index);
}

using System.Globalization;
using System.Text;
using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Evaluation;
using Safeguard.Conversations.Model;
using Safeguard.TestSupport.Chat;

namespace Safeguard.Conversations.Tests;

/// <summary>
/// The generated PAN-style corpus that trained-model tests learn from: deterministic, labelled as asked, never
/// explicit, readable in both output formats, missed by the lexicons yet learnable from its words.
/// </summary>
public sealed class PanStyleCorpusTests : IDisposable
{
    /// <summary>Obvious sexual terms a moderation list would hold; the corpus must contain none of them.</summary>
    private static readonly HashSet<string> Banned = new(StringComparer.Ordinal)
    {
        "sex", "sexy", "sexual", "naked", "nude", "nudes", "horny", "porn", "boobs", "breasts", "penis", "vagina",
        "dick", "cock", "pussy", "tits", "orgasm", "masturbate", "erotic", "lingerie", "underwear", "bra", "panties",
        "undress", "aroused", "kinky", "fetish", "condom", "virgin", "slut", "whore", "nsfw", "xxx", "genitals",
        "intercourse", "lewd", "thong", "strip", "kiss", "kissing",
    };

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pan-corpus-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Same_seed_gives_the_same_corpus_and_another_seed_or_style_does_not()
    {
        var first = Fingerprint(PanStyleCorpus.Generate(7, 200));
        Assert.Equal(first, Fingerprint(PanStyleCorpus.Generate(7, 200)));
        Assert.NotEqual(first, Fingerprint(PanStyleCorpus.Generate(8, 200)));
        Assert.NotEqual(first, Fingerprint(PanStyleCorpus.Generate(7, 200, style: PanStyle.B)));

        // Different seeds differ chat by chat, not just somewhere.
        var a = PanStyleCorpus.Generate(7, 200).Select(PanStyleCorpus.ToSegmentText).ToList();
        var b = PanStyleCorpus.Generate(8, 200).Select(PanStyleCorpus.ToSegmentText).ToHashSet(StringComparer.Ordinal);
        Assert.True(a.Count(b.Contains) <= 2, $"{a.Count(b.Contains)} identical chats across seeds");
    }

    [Theory]
    [InlineData(400, 0.15)]
    [InlineData(101, 0.5)]
    [InlineData(37, 0.2)]
    [InlineData(50, 0.0)]
    [InlineData(20, 1.0)]
    public void Risk_fraction_is_as_asked(int count, double fraction)
    {
        var chats = PanStyleCorpus.Generate(3, count, fraction);
        Assert.Equal(count, chats.Count);
        Assert.Equal((int)Math.Round(count * fraction, MidpointRounding.AwayFromZero), chats.Count(c => c.IsRisk));
        Assert.Equal(count, chats.Select(c => c.Id).Distinct().Count());
    }

    [Theory]
    [InlineData(PanStyle.A)]
    [InlineData(PanStyle.B)]
    public void Chats_have_the_promised_shape(PanStyle style)
    {
        var chats = PanStyleCorpus.Generate(5, 400, style: style);
        Assert.All(chats, c => Assert.InRange(c.Messages.Count, 8, 80));
        Assert.All(chats, c => Assert.Equal(c.Messages.Count, c.Timestamps.Count));
        Assert.All(chats, c => Assert.True(c.Timestamps.Zip(c.Timestamps.Skip(1)).All(p => p.First < p.Second), c.Id));
        Assert.All(chats, c => Assert.All(c.Messages, m => Assert.Contains(m.Sender, c.Participants)));
        Assert.All(PanStyleCorpus.BenignCategories, k => Assert.True(chats.Count(c => c.Category == k.Category) >= 10, k.Category));
        Assert.All(chats.Where(c => !c.IsRisk), c => Assert.True(c.FirstRiskIndex is null && c.RiskMessageIndices.Count == 0 && c.RiskSender is null, c.Id));

        var risk = chats.Where(c => c.IsRisk).ToList();
        Assert.All(risk, c =>
        {
            Assert.Equal(PanStyleCorpus.RiskCategory, c.Category);
            Assert.True(c.RiskMessageIndices.Count >= 4, c.Id);
            Assert.Contains(c.FirstRiskIndex!.Value, c.RiskMessageIndices);
            Assert.All(c.RiskMessageIndices, i => Assert.Equal(c.RiskSender, c.Messages[i].Sender));
            // The adult states an adult age and the other a minor's, as in "asl" answers.
            Assert.Contains(StatedAges(c, c.RiskSender!), age => age is >= 18 and < 60);
            Assert.Contains(StatedAges(c, c.Participants.Single(p => p != c.RiskSender)), age => age is >= 12 and <= 15);
        });
        // Benign small talk is interleaved in risk chats, not just the arc.
        Assert.True(risk.Average(c => (double)c.RiskMessageIndices.Count / c.Messages.Count) < 0.35);

        // The surface of real chat: slang, stretched words, the odd ALL CAPS line; mostly lowercase without punctuation.
        var messages = chats.SelectMany(c => c.Messages.Select(m => m.Text)).ToList();
        foreach (var word in new[] { "lol", "u", "ur", "idk", "wat", "hbu", "brb", "asl" })
            Assert.Contains(messages, m => m.Split(' ').Contains(word));
        Assert.Contains(messages, m => m.Any(char.IsLetter) && !m.Any(char.IsLower));
        Assert.Contains(messages, m => m.Split(' ').Any(w => w.Length >= 4 && w[^1] == w[^2] && w[^2] == w[^3] && char.IsLetter(w[^1])));
        Assert.True(messages.Count(m => m.Any(c => c is '.' or ',' or '!')) < messages.Count / 20);
        Assert.True(messages.Count(m => m.Any(char.IsUpper)) < messages.Count / 10);
    }

    [Fact]
    public void Benign_chats_use_the_risk_arcs_everyday_words_too()
    {
        var benign = PanStyleCorpus.Generate(5, 400).Where(c => !c.IsRisk).Select(c => " " + PanStyleCorpus.ToSegmentText(c) + " ").ToList();
        foreach (var word in new[] { " mall ", " skin ", " mom ", " cam ", " just us ", " other site ", " grown up ", " easy to talk to " })
            Assert.True(benign.Count(t => t.Contains(word, StringComparison.Ordinal)) >= 3, word);
    }

    [Fact]
    public void No_generated_text_contains_an_explicit_word()
    {
        foreach (var style in new[] { PanStyle.A, PanStyle.B })
            foreach (var seed in new[] { 1, 2, 3 })
                foreach (var chat in PanStyleCorpus.Generate(seed, 400, 0.5, style))
                    foreach (var (_, text) in chat.Messages)
                        foreach (var word in Words(text))
                            Assert.False(Banned.Contains(word), $"{chat.Id}: \"{text}\"");
    }

    [Fact]
    public void Csv_round_trips_through_an_rfc_4180_parser()
    {
        var chats = PanStyleCorpus.Generate(9, 300);
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, "segments.csv");
        PanStyleCorpus.WriteCsv(path, chats);
        var content = File.ReadAllText(path, Encoding.UTF8);
        var rows = ParseCsv(content);
        Assert.Equal(["text", "label"], rows[0]);
        Assert.Equal(chats.Count, rows.Count - 1);
        for (var i = 0; i < chats.Count; i++)
        {
            Assert.Equal(2, rows[i + 1].Count);
            Assert.Equal(PanStyleCorpus.ToSegmentText(chats[i]), rows[i + 1][0]);
            Assert.Equal(chats[i].IsRisk ? "1" : "0", rows[i + 1][1]);
        }
        // The quoting path was exercised: some texts hold commas and quotes.
        Assert.Contains(chats, c => PanStyleCorpus.ToSegmentText(c).Contains('"', StringComparison.Ordinal));
        Assert.Contains(chats, c => PanStyleCorpus.ToSegmentText(c).Contains(',', StringComparison.Ordinal));
        Assert.Equal(string.Join(' ', chats[0].Messages.Select(m => m.Text)), PanStyleCorpus.ToSegmentText(chats[0]));
    }

    [Fact]
    public void Json_files_read_back_as_labelled_conversations()
    {
        var chats = PanStyleCorpus.Generate(10, 120, 0.25);
        PanStyleCorpus.WriteJsonDirectory(_dir, chats);
        Assert.Equal(chats.Count, Directory.GetFiles(_dir, "*.json").Length);
        foreach (var chat in chats)
        {
            using var stream = File.OpenRead(Path.Combine(_dir, chat.Id + ".json"));
            var (conversation, label) = ConversationJson.ReadLabelled(stream);
            Assert.NotNull(label);
            Assert.Equal(chat.Id, conversation.Id);
            Assert.Equal(chat.IsRisk, label.IsRisk);
            Assert.Equal(chat.Category, label.Category);
            Assert.Equal("tuning", label.Split);
            Assert.Equal(chat.FirstRiskIndex, label.FirstRiskIndex);
            Assert.Equal(chat.Participants, conversation.Participants.Select(p => p.Id));
            Assert.Equal(chat.Messages, conversation.Messages.Select(m => (m.Sender, m.Text)));
            Assert.Equal(chat.Timestamps, conversation.Messages.Select(m => m.Timestamp!.Value));
        }
        Assert.Equal(chats.Count, Evaluator.LoadSet(_dir).Count());
    }

    /// <summary>
    /// The point of the corpus: the lexicon analyser misses most of it. Seen on seed 1: style A F0.5 0.313
    /// (precision 1, recall 5/60), style B F0.5 0.000 (nothing flagged); no benign chat flagged. Seeds 2 to 6 gave 0 to 0.31.
    /// </summary>
    [Theory]
    [InlineData(PanStyle.A)]
    [InlineData(PanStyle.B)]
    public void The_lexicon_analyser_misses_most_of_it(PanStyle style)
    {
        PanStyleCorpus.WriteJsonDirectory(_dir, PanStyleCorpus.Generate(1, 400, 0.15, style));
        var evaluator = new Evaluator();
        var cases = Evaluator.LoadSet(_dir).Select(s => evaluator.Evaluate(s.File, s.Conversation, s.Label)).ToList();
        Assert.Equal(400, cases.Count);
        Assert.Equal(60, cases.Count(c => c.Label.IsRisk));
        var metrics = EvaluationMetrics.Of(cases);
        Assert.True(metrics.F05 < 0.5, $"F0.5 {metrics.F05:0.000} (precision {metrics.Precision:0.000}, recall {metrics.Recall:0.000})");
    }

    /// <summary>Line by line, most grooming lines match no phrase of any lexicon family (seen: 130 of 1508 in style A,
    /// 137 of 1505 in B, all of them the style's few known lines).</summary>
    [Theory]
    [InlineData(PanStyle.A)]
    [InlineData(PanStyle.B)]
    public void Most_grooming_lines_match_no_lexicon_phrase(PanStyle style)
    {
        var analyzer = new ConversationAnalyzer();
        Participant[] people = [new("adult", DeclaredAge: 34), new("child", DeclaredAge: 13)];
        var lines = PanStyleCorpus.Generate(4, 400, 0.5, style)
            .SelectMany(c => c.RiskMessageIndices.Select(i => c.Messages[i].Text)).ToList();
        Assert.True(lines.Count > 1000);
        var matched = lines.Count(text => analyzer.Analyze(new Conversation("line", people, [new ChatMessage("adult", null, text)]))
            .Indicators.Any(f => f.Family is not (IndicatorFamily.AgeGap or IndicatorFamily.AccountProfile)));
        Assert.True(matched < lines.Count * 0.15, $"{matched} of {lines.Count} grooming lines match a lexicon phrase");
        Assert.True(lines.Distinct(StringComparer.Ordinal).Count() >= 300, "the arcs should have hundreds of distinct phrasings");
    }

    /// <summary>
    /// And yet the corpus is learnable, not noise: naive Bayes over word unigrams trained on seed 1 separates seed 2.
    /// Seen: F0.5 0.962 within style A. (Trained on A and checked on B it gave 0.934: the minor's replies and the
    /// small talk are shared by both styles, only the adult's arc wording differs.)
    /// </summary>
    [Fact]
    public void Word_unigram_naive_bayes_learns_it()
    {
        var model = NaiveBayes.Train(PanStyleCorpus.Generate(1, 400));
        var f05 = F05(model, PanStyleCorpus.Generate(2, 400));
        Assert.True(f05 > 0.8, $"F0.5 {f05:0.000}");
    }

    /// <summary>The two styles word the arcs apart: few risk-only word pairs of one appear in the other's arcs.</summary>
    [Fact]
    public void Styles_word_the_risk_arcs_apart()
    {
        var a = RiskOnlyPairs(PanStyleCorpus.Generate(6, 400, 0.5, PanStyle.A));
        var b = RiskOnlyPairs(PanStyleCorpus.Generate(6, 400, 0.5, PanStyle.B));
        Assert.True(a.Count >= 50 && b.Count >= 50, $"{a.Count} and {b.Count} risk-only word pairs");
        var shared = a.Intersect(b).ToList();
        Assert.True(shared.Count <= Math.Min(a.Count, b.Count) / 20, $"{a.Count}, {b.Count}, shared: {string.Join(", ", shared)}");
    }

    private static HashSet<string> RiskOnlyPairs(IReadOnlyList<GeneratedChat> chats)
    {
        static IEnumerable<string> Pairs(string text)
        {
            var words = Words(text).ToList();
            return words.Zip(words.Skip(1), (x, y) => x + " " + y);
        }
        var benign = chats.Where(c => !c.IsRisk).SelectMany(c => c.Messages).SelectMany(m => Pairs(m.Text)).ToHashSet(StringComparer.Ordinal);
        // Pairs seen at least three times in arc lines (typos are one-offs) and never in benign chat.
        return chats.Where(c => c.IsRisk).SelectMany(c => c.RiskMessageIndices.Select(i => c.Messages[i].Text)).SelectMany(Pairs)
            .Where(p => !benign.Contains(p)).GroupBy(p => p, StringComparer.Ordinal).Where(g => g.Count() >= 3)
            .Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
    }

    private static IEnumerable<string> Words(string text)
    {
        var word = new StringBuilder();
        foreach (var c in text.ToLowerInvariant() + " ")
        {
            if (char.IsLetterOrDigit(c)) word.Append(c);
            else if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }
    }

    private static List<int> StatedAges(GeneratedChat chat, string sender) =>
        [.. chat.Messages.Take(8).Where(m => m.Sender == sender).SelectMany(m => m.Text.Split(' ', '/'))
            .Select(w => int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1).Where(n => n >= 0)];

    private static string Fingerprint(IReadOnlyList<GeneratedChat> chats)
    {
        var b = new StringBuilder();
        foreach (var c in chats)
        {
            b.Append(c.Id).Append('|').Append(c.IsRisk).Append('|').Append(c.Category).Append('|').Append(c.FirstRiskIndex)
                .Append('|').Append(string.Join(',', c.RiskMessageIndices)).Append('|').Append(c.RiskSender).Append('\n');
            for (var i = 0; i < c.Messages.Count; i++)
                b.Append(c.Messages[i].Sender).Append('\t').Append(c.Timestamps[i].ToUnixTimeSeconds()).Append('\t').Append(c.Messages[i].Text).Append('\n');
        }
        return b.ToString();
    }

    /// <summary>A plain RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks; records end in CRLF.</summary>
    private static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"' && field.Length == 0) quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else
            {
                Assert.False(c is '"' or '\r' or '\n', $"unquoted {(int)c} at {i}");
                field.Append(c);
            }
        }
        Assert.False(quoted, "unterminated quoted field");
        Assert.True(field.Length == 0 && row.Count == 0, "the last record must end in CRLF");
        return rows;
    }

    private static double F05(NaiveBayes model, IReadOnlyList<GeneratedChat> test)
    {
        int tp = 0, fp = 0, fn = 0;
        foreach (var chat in test)
        {
            var predicted = model.IsRisk(PanStyleCorpus.ToSegmentText(chat));
            if (predicted && chat.IsRisk) tp++;
            else if (predicted) fp++;
            else if (chat.IsRisk) fn++;
        }
        var precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
        var recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
        return precision + recall == 0 ? 0 : 1.25 * precision * recall / ((0.25 * precision) + recall);
    }

    /// <summary>Multinomial naive Bayes over whitespace tokens with add-one smoothing.</summary>
    private sealed class NaiveBayes
    {
        private readonly Dictionary<string, int>[] _counts = [new(StringComparer.Ordinal), new(StringComparer.Ordinal)];
        private readonly long[] _totals = new long[2];
        private readonly int[] _docs = new int[2];
        private readonly HashSet<string> _vocabulary = new(StringComparer.Ordinal);

        public static NaiveBayes Train(IEnumerable<GeneratedChat> chats)
        {
            var model = new NaiveBayes();
            foreach (var chat in chats)
            {
                var k = chat.IsRisk ? 1 : 0;
                model._docs[k]++;
                foreach (var token in Tokens(PanStyleCorpus.ToSegmentText(chat)))
                {
                    model._counts[k][token] = model._counts[k].GetValueOrDefault(token) + 1;
                    model._totals[k]++;
                    model._vocabulary.Add(token);
                }
            }
            return model;
        }

        public bool IsRisk(string text) => LogScore(text, 1) > LogScore(text, 0);

        private double LogScore(string text, int k)
        {
            var score = Math.Log((double)_docs[k] / (_docs[0] + _docs[1]));
            var denominator = Math.Log(_totals[k] + _vocabulary.Count);
            foreach (var token in Tokens(text))
                if (_vocabulary.Contains(token)) score += Math.Log(_counts[k].GetValueOrDefault(token) + 1) - denominator;
            return score;
        }

        private static string[] Tokens(string text) => text.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }
}

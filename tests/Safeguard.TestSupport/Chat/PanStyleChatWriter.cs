namespace Safeguard.TestSupport.Chat;

/// <summary>Writes one chat: greeting, age exchange, topic exchanges and, for risk, the grooming arc spread among them.</summary>
internal sealed class PanStyleChatWriter(Random rng, PanStyleRiskArcs.Style style)
{
    private const int MinMessages = 8;
    private const int MaxMessages = 80;
    private static readonly DateTimeOffset Epoch = new(2011, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] NamePrefixes = ["sk8r", "cool", "xx", "lil", "dark", "happy", "music", "star", "blue", "soccer", "gamer", "sunny", "silent", "crazy"];
    private static readonly string[] NameSuffixes = ["kid", "girl", "guy", "dude", "angel", "wolf", "chick", "boi", "fan", "ninja", "cat", "rider"];
    private static readonly string[] AgeAnswers = ["{age} {sex} {state}", "{age}/{sex}/{state}", "im {age} {lol}", "{age} {sex}", "im {age} {sex} from {state}", "{age} {sex} {state} u?"];
    private static readonly string[] AdultAgeAnswers = ["im {age} m", "{age} m {state}", "{age} m {state} hope thats ok", "im {age} {lol}", "{age}/m/{state}"];

    private readonly List<Line> _lines = [];
    private readonly List<string[]> _used = [];
    private Dictionary<string, string[]> _slots = PanStyleBenign.Slots;

    private readonly record struct Line(bool FromFirst, string Text, bool Arc, bool Request);

    public GeneratedChat Benign(string id, string category)
    {
        var (first, second) = Names();
        var target = rng.Next(MinMessages, MaxMessages + 1);
        var (ageFirst, ageSecond, askAge) = category switch
        {
            "teen-chat" => (rng.Next(13, 18), rng.Next(13, 18), 0.6),
            "adult-flirting" => (rng.Next(21, 46), rng.Next(21, 46), 0.7),
            "adult-small-talk" => (rng.Next(19, 61), rng.Next(19, 61), 0.5),
            "gaming" => (rng.Next(13, 31), rng.Next(13, 31), 0.3),
            "parent-child" => (rng.Next(30, 51), rng.Next(8, 15), 0.0),
            _ => (rng.Next(16, 50), rng.Next(16, 50), 0.1),
        };
        Greeting();
        // Adults answer "asl" the way the adult of a risk chat does, so that answer alone says nothing.
        if (rng.NextDouble() < askAge) AgeExchange(ageFirst, ageSecond, adultFirst: ageFirst >= 18 && rng.Next(2) == 0);
        if (category == "parent-child" && rng.NextDouble() < 0.3) Say(false, $"im {ageSecond} now (lol|) (im|) not a baby");
        var topics = PanStyleBenign.ExchangesFor(category);
        var general = PanStyleBenign.GeneralFor(category);
        // A parent or relative starts the family exchanges, and the child tells them about the day, with the same
        // exchanges a risk chat uses; elsewhere either speaker starts.
        var family = category == "parent-child";
        bool? initiator = family ? true : null;
        while (_lines.Count < target)
        {
            var r = rng.NextDouble();
            if (r < 0.5) Exchange(topics, initiator);
            else if (family && r < 0.75) Exchange(PanStyleBenign.KidToAdult, initiator: false);
            else Exchange(general, initiator);
        }
        _lines.RemoveRange(target, _lines.Count - target);
        return Build(id, false, category, first, second);
    }

    public GeneratedChat Risk(string id)
    {
        var (adult, minor) = Names();
        var adultAge = rng.Next(22, 49);
        var minorAge = rng.Next(12, 16);
        _slots = new Dictionary<string, string[]>(PanStyleBenign.Slots, StringComparer.Ordinal) { ["age"] = [minorAge.ToString(System.Globalization.CultureInfo.InvariantCulture)] };
        foreach (var (name, options) in style.Slots) _slots[name] = options;

        Greeting();
        AgeExchange(adultAge, minorAge, adultFirst: true);
        var arc = ArcPlan();
        var chunks = new List<Line>[arc.Count + 1];
        for (var i = 0; i < chunks.Length; i++) chunks[i] = [];
        var target = Math.Max(rng.Next(14, MaxMessages + 1), _lines.Count + (2 * arc.Count) + 2);
        var replies = arc.Select(_ => rng.NextDouble() < 0.85).ToArray();
        var arcLines = arc.Count + replies.Count(r => r);
        for (var total = _lines.Count + arcLines; total < target;)
        {
            var before = _lines.Count;
            // The adult asks the usual questions, or the minor chats as with a friend.
            if (rng.NextDouble() < 0.5) Exchange(PanStyleBenign.AdultToKid, initiator: true);
            else Exchange(PanStyleBenign.KidToAdult, initiator: false);
            var added = _lines.GetRange(before, _lines.Count - before);
            _lines.RemoveRange(before, added.Count);
            chunks[rng.Next(chunks.Length)].AddRange(added);
            total += added.Count;
        }
        for (var i = 0; i < arc.Count; i++)
        {
            _lines.AddRange(chunks[i]);
            _lines.Add(new Line(true, Expand(arc[i].Template), Arc: true, arc[i].Request));
            if (replies[i]) Say(false, arc[i].Replies[rng.Next(arc[i].Replies.Length)]);
        }
        _lines.AddRange(chunks[^1]);
        while (_lines.Count > MaxMessages)
        {
            var at = rng.Next(5, _lines.Count);
            if (!_lines[at].Arc) _lines.RemoveAt(at);
        }
        return Build(id, true, PanStyleCorpus.RiskCategory, adult, minor);
    }

    private List<(string Template, string[] Replies, bool Request)> ArcPlan()
    {
        var plan = new List<(string, string[], bool)>();
        void Take(string[] stage, string[] replies, int min, int max, bool request = false)
        {
            var n = rng.Next(min, max + 1);
            for (var i = 0; i < n; i++)
            {
                var known = rng.NextDouble() < PanStyleRiskArcs.KnownRate;
                plan.Add(((known ? style.Known : stage)[rng.Next(known ? style.Known.Length : stage.Length)], replies, request));
            }
        }
        Take(style.Trust, PanStyleRiskArcs.TrustReplies, 1, 3);
        Take(style.Probe, PanStyleRiskArcs.ProbeReplies, 1, 2);
        Take(style.Isolation, PanStyleRiskArcs.IsolationReplies, 1, 2);
        Take(style.Gift, PanStyleRiskArcs.GiftReplies, 0, 1);
        Take(style.Request, PanStyleRiskArcs.RequestReplies, 1, 2, request: true);
        Take(style.Coax, PanStyleRiskArcs.RequestReplies, 0, 1);
        return plan;
    }

    private void Greeting()
    {
        Say(true, PanStyleBenign.Greetings[rng.Next(PanStyleBenign.Greetings.Length)]);
        Say(false, PanStyleBenign.GreetingReplies[rng.Next(PanStyleBenign.GreetingReplies.Length)]);
    }

    /// <summary>"asl" and the answers; in risk chats the first speaker is the adult and states an adult age.</summary>
    private void AgeExchange(int firstAge, int secondAge, bool adultFirst)
    {
        Say(true, PanStyleBenign.AgeQuestions[rng.Next(PanStyleBenign.AgeQuestions.Length)]);
        Say(false, AgeLine(AgeAnswers, secondAge));
        Say(true, AgeLine(adultFirst ? AdultAgeAnswers : AgeAnswers, firstAge));
    }

    private string AgeLine(string[] templates, int age) =>
        templates[rng.Next(templates.Length)]
            .Replace("{age}", age.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{sex}", rng.Next(2) == 0 ? "f" : "m", StringComparison.Ordinal);

    private void Exchange(string[][] pool, bool? initiator)
    {
        if (rng.NextDouble() < 0.12)
        {
            Say(rng.Next(2) == 0, PanStyleBenign.Fillers[rng.Next(PanStyleBenign.Fillers.Length)]);
            return;
        }
        // Prefer exchanges not used yet in this chat, as people rarely repeat a whole exchange.
        var exchange = pool[rng.Next(pool.Length)];
        for (var tries = 0; tries < 4 && _used.Contains(exchange); tries++) exchange = pool[rng.Next(pool.Length)];
        _used.Add(exchange);
        var firstSpeaks = initiator ?? rng.Next(2) == 0;
        var length = rng.Next(Math.Min(2, exchange.Length), exchange.Length + 1);
        for (var i = 0; i < length; i++)
        {
            var fromFirst = firstSpeaks == (i % 2 == 0);
            Say(fromFirst, exchange[i]);
            if (rng.NextDouble() < 0.08) Say(fromFirst, PanStyleBenign.Fillers[rng.Next(PanStyleBenign.Fillers.Length)]);
        }
    }

    private void Say(bool fromFirst, string template) => _lines.Add(new Line(fromFirst, Expand(template), Arc: false, Request: false));

    private string Expand(string template) => ChatTemplate.Expand(template, rng, _slots);

    private (string, string) Names()
    {
        string Name() => NamePrefixes[rng.Next(NamePrefixes.Length)] + NameSuffixes[rng.Next(NameSuffixes.Length)] + rng.Next(70, 100).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var first = Name();
        var second = Name();
        while (second == first) second = Name();
        return (first, second);
    }

    private GeneratedChat Build(string id, bool isRisk, string category, string first, string second)
    {
        var messages = new List<(string, string)>(_lines.Count);
        var times = new List<DateTimeOffset>(_lines.Count);
        var arcIndices = new List<int>();
        int? firstRequest = null;
        var at = Epoch.AddDays(rng.Next(0, 365)).AddSeconds(rng.Next(0, 86_400));
        for (var i = 0; i < _lines.Count; i++)
        {
            var line = _lines[i];
            var text = ChatNoise.Apply(line.Text, rng);
            messages.Add((line.FromFirst ? first : second, text));
            times.Add(at);
            at = at.AddSeconds(text.StartsWith("brb", StringComparison.OrdinalIgnoreCase) ? rng.Next(180, 900) : rng.Next(4, 90));
            if (line.Arc) arcIndices.Add(i);
            if (line.Request) firstRequest ??= i;
        }
        return new GeneratedChat(id, isRisk, category, messages)
        {
            Participants = [first, second],
            Timestamps = times,
            FirstRiskIndex = firstRequest,
            RiskMessageIndices = arcIndices,
            RiskSender = isRisk ? first : null,
        };
    }
}

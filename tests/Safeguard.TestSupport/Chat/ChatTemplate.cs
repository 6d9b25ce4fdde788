using System.Text;

namespace Safeguard.TestSupport.Chat;

/// <summary>
/// Expands chat templates: <c>(a|b|)</c> picks one alternative (empty allowed, nesting allowed) and <c>{name}</c>
/// picks one entry of a slot table, itself a template. Spaces are collapsed afterwards so empty choices leave no gaps.
/// </summary>
internal static class ChatTemplate
{
    public static string Expand(string template, Random rng, IReadOnlyDictionary<string, string[]> slots)
    {
        var text = new StringBuilder();
        Append(template, rng, slots, text, depth: 0);
        return Collapse(text);
    }

    private static void Append(ReadOnlySpan<char> t, Random rng, IReadOnlyDictionary<string, string[]> slots, StringBuilder text, int depth)
    {
        if (depth > 16) throw new InvalidOperationException("template slots nest too deeply (a slot refers to itself?)");
        for (var i = 0; i < t.Length; i++)
        {
            switch (t[i])
            {
                case '(':
                    var close = Matching(t, i);
                    Append(PickAlternative(t[(i + 1)..close], rng), rng, slots, text, depth);
                    i = close;
                    break;
                case '{':
                    var end = t[i..].IndexOf('}') + i;
                    if (end < i) throw new FormatException($"unclosed slot in \"{t}\"");
                    var name = t[(i + 1)..end].ToString();
                    var options = slots.TryGetValue(name, out var o) ? o : throw new KeyNotFoundException($"no slot table \"{name}\"");
                    Append(options[rng.Next(options.Length)], rng, slots, text, depth + 1);
                    i = end;
                    break;
                default:
                    text.Append(t[i]);
                    break;
            }
        }
    }

    private static int Matching(ReadOnlySpan<char> t, int open)
    {
        var depth = 0;
        for (var i = open; i < t.Length; i++)
        {
            if (t[i] == '(') depth++;
            else if (t[i] == ')' && --depth == 0) return i;
        }
        throw new FormatException($"unbalanced parenthesis in \"{t}\"");
    }

    private static ReadOnlySpan<char> PickAlternative(ReadOnlySpan<char> body, Random rng)
    {
        var count = 1;
        var depth = 0;
        foreach (var c in body)
        {
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == '|' && depth == 0) count++;
        }
        var pick = rng.Next(count);
        var start = 0;
        depth = 0;
        for (var i = 0; i <= body.Length; i++)
        {
            if (i < body.Length && body[i] == '(') depth++;
            else if (i < body.Length && body[i] == ')') depth--;
            else if (i == body.Length || (body[i] == '|' && depth == 0))
            {
                if (pick-- == 0) return body[start..i];
                start = i + 1;
            }
        }
        return body;
    }

    private static string Collapse(StringBuilder text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var chunk in text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (result.Length > 0) result.Append(' ');
            result.Append(chunk);
        }
        // An empty last choice before "?" would leave "home ?".
        return result.Replace(" ?", "?").ToString();
    }
}

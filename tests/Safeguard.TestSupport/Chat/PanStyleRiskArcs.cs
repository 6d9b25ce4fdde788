namespace Safeguard.TestSupport.Chat;

/// <summary>
/// Grooming arcs written to avoid the phrases of data/conversations/lexicons/en (after its shorthand expansion:
/// u → you, ur → your, cam → camera, folks → parents, lets → let us, ill → i will). Two styles use disjoint wording
/// for the same stages, so a model trained on one can be checked on the other. Nothing here is sexual.
/// </summary>
internal static class PanStyleRiskArcs
{
    /// <summary>One style: stage templates for the adult and slot tables only that style uses.</summary>
    /// <summary>
    /// One style: stage templates for the adult, a few lines the lexicons do know (used now and then, as real
    /// chats mix both), and slot tables only that style uses.
    /// </summary>
    public sealed record Style(string[] Trust, string[] Probe, string[] Isolation, string[] Gift, string[] Request, string[] Coax,
        string[] Known, Dictionary<string, string[]> Slots);

    /// <summary>How often an arc line is replaced by one of the style's lexicon-known lines.</summary>
    public const double KnownRate = 0.08;

    public static readonly Style A = new(
        Trust:
        [
            "(ur|u r) (so|rly|really|like) (grown up|grownup) for {minorAge}",
            "u (talk|type|act) (way|so much|alot) older than {minorAge} {lol}",
            "(girls|kids|ppl) ur age (r|are) (so|mad|super) (boring|immature|annoying) but ur (diff|not like that)",
            "i (like|enjoy|love) (talkin|chattin) to u (more|way more) than (ppl|anyone|ppl) my age",
            "ur (rly|really|so) easy to talk to (for real|fr|lol|)",
            "(dang|wow|whoa) (ur|u r) (smart|clever|sharp) (for a kid|for {minorAge}|)",
        ],
        Probe:
        [
            "(ur|ya) (folks|mom|dad) (home|around|there) (rn|right now|tonight|)?",
            "(who|anyone) else (use|uses|on) ur (comp|laptop|computer)?",
            "(when|wat time) do ur (folks|mom|dad) (get back|come back|get off work)",
            "is ur (comp|laptop) in ur bedroom",
            "(so|and) (ur|ya) (folks|mom) (dont|never) (peek|look) at ur (screen|comp) right",
        ],
        Isolation:
        [
            "(keep|lets keep) this (just us|on the low|just between the 2 of us)",
            "lets (go|hop|jump) (on|over to) the other site",
            "(ur|ya) (mom|folks|friends) (wouldnt|would not|wont) (get it|get this|be cool w this)",
            "(dont|no need to) bring me up (to|with|around) ur (mom|folks|friends)",
            "(ppl|everyone) (just|always) (judge|overreact|freak) (so|lol|)",
        ],
        Gift:
        [
            "(ill|i could|i can) (grab|snag|cop) u (that|the) (game skin|skin|battle pass) (u wanted|u been wanting|)",
            "(ill|i could) (load|put) (a little|like 20) bucks on ur (game|xbox|account) (if u want|np|)",
        ],
        Request:
        [
            "u got a cam?",
            "(wanna|u wanna) hang out at the mall (just us|just the 2 of us|sat)",
            "(i could|ill) (swing by|drive by|come by) ur (school|street|place) (after class|sat|sometime)",
            "(can|could) u hop on ur cam (tonight|later|for a sec)",
            "(i|ill) (wait|be waitin) (by|near|outside) the (food court|arcade|theater) (sat|at {time})",
        ],
        Coax:
        [
            "(its|thats) (fine|ok|cool) (noone|nobody) (has to|gotta) find out",
            "(come on|cmon) (dont|stop) be (shy|scared) (lol|)",
            "no worries (its|ill be) (fine|chill|cool)",
        ],
        Known: ["u r so mature", "keep it between us ok", "dont tell ur mom about me", "can we meet up sat", "send me a pic"],
        Slots: new(StringComparer.Ordinal) { ["minorAge"] = ["ur age", "{age}", "a {age} yr old"] });

    public static readonly Style B = new(
        Trust:
        [
            "(honestly|tbh|ngl) u (seem|come off|come across) (wiser|brighter) than (most|half the) adults i know",
            "ur (head|mind|brain) is (ahead of|beyond|past) ur years",
            "(not one person|no one) (at my work|in my life) (listens|pays attention) (the way|how) u do",
            "(cant|can not) believe ur only {age} (seriously|honestly|)",
            "u (honestly|totally) (feel|seem) (my|like my) equal",
        ],
        Probe:
        [
            "(anybody|any1) (besides u|but u) (at the house|in the house|at home) (tonight|this evening)?",
            "(does|do) ur (mum|parents|dad) ever (go thru|scroll thru|snoop on) ur (tablet|phone|stuff)",
            "(what|which) (hours|shifts|days) (is|does) ur (mum|dad) (at work|on shift|work)",
            "(do|so) u (have|got) the (house|place) to urself (after school|this evening|most days)",
        ],
        Isolation:
        [
            "this (stays|is) (hush hush|off the record|under wraps)",
            "(get|install|download) (the|that) (other|second) (app|messenger) i (mentioned|told u about)",
            "(grownups|others) (could|might) (twist|misread|blow up) (this|what we have)",
            "(leave|count) me out of it when u (chat w|talk to) ur (mum|dad|besties)",
        ],
        Gift:
        [
            "(want|need) (some|a few) (gems|coins|credits) for ur (profile|character)? (its on me|i gotchu)",
            "(how about|what if) i (cover|handle) ur (data plan|phone bill) (this month|for a while)",
        ],
        Request:
        [
            "(does|do) ur (pc|desktop|tablet) have a webcam",
            "(we should|id love to) (get|go for) (ice cream|pizza|boba) (one day|this weekend) just the two of us",
            "(ill|i will) be (close to|nearby|passing thru) ur (town|area|neighborhood) (friday|next week|on the weekend)",
            "(any|got) (recent|new) (shots|snaps) of urself?",
        ],
        Coax:
        [
            "(relax|breathe) (nothing|none of this) (bad|wrong) (will happen|is going on)",
            "(promise|swear) (im|i am) (harmless|one of the good ones)",
            "(no|zero) pressure (ok|alright) (take ur time|whenever)",
        ],
        Known: ["you can trust me", "are your parents home", "delete our chat after", "add me on snap", "lets video chat"],
        Slots: new(StringComparer.Ordinal));

    // What the minor says back, by stage (shared by both styles: replies carry no style).
    public static readonly string[] TrustReplies =
        ["{lol} ty", "thx {lol}", "omg ty", "nobody ever says that", "lol ur funny", "aww", "u think so?", "ty ur nice", "kinda i guess"];

    public static readonly string[] ProbeReplies =
        ["they at work till {time}", "no its just me", "my mom works late", "ya its in my room", "my bro uses it sometimes", "why",
         "nah they dont care", "idk sometimes", "my dad is gone alot"];

    public static readonly string[] IsolationReplies = ["ok", "wat site", "ok i wont", "why", "um ok", "lol ok", "i guess", "ya they wouldnt"];

    public static readonly string[] GiftReplies = ["omg rly", "srsly?", "u dont have to", "ok ty", "wow ty", "really?"];

    public static readonly string[] RequestReplies = ["idk", "maybe", "idk if i can", "um", "my mom wouldnt let me", "ya i do", "sure", "wat do u mean", "hmm", "k"];

    public static Style For(PanStyle style) => style == PanStyle.B ? B : A;
}

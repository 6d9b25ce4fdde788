namespace Safeguard.TestSupport.Chat;

/// <summary>
/// Benign chat: slot tables and exchanges (lines alternate between the two speakers, the first is the initiator).
/// Some lines deliberately use words that also appear in risk arcs (mall, game skin, mom, cam, just us) in harmless
/// contexts, so a model has to learn combinations rather than single words.
/// </summary>
internal static class PanStyleBenign
{
    public static readonly Dictionary<string, string[]> Slots = new(StringComparer.Ordinal)
    {
        ["subject"] = ["math", "science", "history", "english", "spanish", "geography", "bio", "algebra", "french", "art"],
        ["game"] = ["minecraft", "fortnite", "roblox", "halo", "wow", "runescape", "mario kart", "zelda", "cod", "the sims", "pokemon"],
        ["band"] = ["linkin park", "paramore", "green day", "taylor swift", "eminem", "coldplay", "the killers", "fall out boy", "rihanna", "drake"],
        ["food"] = ["pizza", "tacos", "mac n cheese", "ramen", "burgers", "pancakes", "chinese food", "sushi", "spaghetti", "nachos"],
        ["show"] = ["family guy", "the office", "spongebob", "glee", "lost", "the simpsons", "american idol", "house", "friends", "doctor who"],
        ["pet"] = ["dog", "cat", "hamster", "bunny", "goldfish", "puppy", "guinea pig", "parrot"],
        ["petname"] = ["max", "bella", "buddy", "luna", "oreo", "rocky", "daisy", "charlie", "peanut"],
        ["sport"] = ["soccer", "basketball", "football", "baseball", "hockey", "volleyball", "tennis", "swim"],
        ["team"] = ["the lakers", "the yankees", "the bears", "the giants", "man u", "the celtics", "the packers", "the sox"],
        ["day"] = ["monday", "tuesday", "friday", "sat", "sunday", "tmrw", "tonight", "next week", "this weekend"],
        ["weather"] = ["raining", "snowing", "sooo hot", "freezing", "sunny", "windy", "storming", "cold af"],
        ["name"] = ["jess", "mike", "sarah", "tyler", "ashley", "josh", "emily", "kyle", "brittany", "matt", "amanda", "chris"],
        ["state"] = ["ny", "ca", "tx", "fl", "oh", "mi", "pa", "wa", "ga", "il", "nj", "az"],
        ["skin"] = ["dragon", "ninja", "galaxy", "zombie", "pirate", "robot", "ice", "gold"],
        ["time"] = ["5", "6", "7", "8", "9", "10"],
        ["lol"] = ["lol", "lol", "haha", "lmao", "hehe", "rofl", "xD", ""],
        ["os"] = ["xp", "vista", "win 7", "ubuntu", "mac", "fedora", "debian"],
        ["thing"] = ["router", "wifi", "driver", "printer", "sound card", "graphics card", "modem", "hard drive", "usb stick", "irc client"],
        ["cmd"] = ["ipconfig", "ping google.com", "sudo apt-get update", "chkdsk", "dmesg", "lsusb", "ifconfig", "/join #help"],
        ["dish"] = ["italian", "thai", "sushi", "steak", "indian", "mexican"],
        ["movie"] = ["the new batman", "avatar", "inception", "toy story 3", "the hangover", "twilight", "iron man"],
    };

    public static readonly string[] Greetings = ["hi", "hey", "heyy", "sup", "hello", "yo", "hiya", "wassup", "hey there", "whats up"];
    public static readonly string[] GreetingReplies = ["hey", "hi", "sup", "heyy", "hey whats up", "nm u?", "hi {lol}", "yo", "hello"];
    public static readonly string[] AgeQuestions = ["asl", "asl?", "asl pls", "how old r u", "age?", "u how old"];

    /// <summary>Lines either speaker drops in anywhere.</summary>
    public static readonly string[] Fillers =
    [
        "{lol}", "lol", "idk", "wat", "hbu", "brb", "back", "k", "ok", "kk", "cool", "nice", "same", "omg", "ya", "yea", "nm",
        "haha ya", "lol same", "wat u doin", "nm u", "bored", "im sooo bored", "g2g soon", "ttyl", "sry", "np", "ikr", "true",
        "lol, ok", "he was like \"no way\" lol", "ok, brb", "\"wat\" lol", "w/e", "rofl", "jk", "thx", "ty", "ugh",
    ];

    private static readonly string[][] SmallTalk =
    [
        ["how was school", "(boring|ok i guess|sooo boring|meh) had a {subject} test", "ugh i hate {subject}", "same {lol}"],
        ["did u do the {subject} hw", "(ya|nope|kinda) it was (so hard|easy|long)", "can u help me w it {day}", "sure"],
        ["wat u doin", "playin {game} hbu", "nm just watchin {show}", "nice i love that show", "ya its funny {lol}"],
        ["u play {game}?", "ya all the time", "wats ur username", "lol its embarrassing", "come on", "ok its {name}{time}{time}"],
        ["got the new {skin} skin in {game} {lol}", "no way how", "saved up for like a month", "lucky i want it"],
        ["listening to {band} rn", "omg i love {band}", "wats ur fav song", "idk they r all good"],
        ["its {weather} here", "here too {lol}", "i hate this weather", "ya cant go outside"],
        ["im so hungry", "eat something lol", "my mom is makin {food}", "yum", "ya its my fav"],
        ["did u see {show} last night", "ya it was so good", "i cant believe wat happened", "ikr"],
        ["u watch {team} game", "ya they (lost|won|sucked)", "(lol|ugh) {sport} season is so long"],
        ["i have {sport} practice {day}", "fun", "not rly coach is so mean", "lol"],
        ["my {pet} is so funny", "wats its name", "{petname}", "aww cute name", "ya she sleeps on my bed"],
        ["wanna go to the mall {day} w {name}", "ya if my mom lets me", "cool we can get {food}"],
        ["my mom says i gotta get off soon", "lol same", "ttyl then"],
        ["i got a new phone", "wat kind", "idk its pink {lol}", "nice"],
        ["goin to the movies {day}", "wat u seein", "{movie}", "i wanna see that"],
        ["its my bday {day}", "happy early bday {lol}", "ty", "wat u doin for it", "party at my house"],
        ["i just got back from {name}s house", "fun?", "ya we played {game}"],
        ["ugh my little bro is so annoying", "lol mine too", "he keeps takin my stuff"],
        ["do u like {food}", "ya who doesnt", "true {lol}"],
        ["(omg|ugh) (so much|tons of) hw (tonight|this week)", "same {subject} is killing me", "ikr"],
        ["did u hear about {name} and {name}", "no wat happened", "they broke up {lol}", "omg"],
        ["wat r u bein for halloween", "idk maybe a (zombie|pirate|ninja|vampire)", "cool"],
        ["my phone died lol", "again", "ya the battery sucks"],
        ["{band} is comin to town", "no way r u goin", "if my dad gets tickets"],
        ["when r u (grown up|older) wat do u wanna be", "a vet prob", "cool i wanna be a (teacher|nurse|chef|pilot)"],
    ];

    private static readonly string[][] TechHelp =
    [
        ["anyone know how to fix my {thing}", "wats the problem", "it keeps (dropping|crashing|freezing)", "wat os", "{os}", "try {cmd}"],
        ["my {thing} stopped working after the update", "did u reboot", "ya twice", "check the drivers on the other site they have newer ones"],
        ["how do i install {game} on {os}", "need wine for that", "wats wine {lol}", "google it"],
        ["is there a channel for {os} help", "try /join #{os}", "thx"],
        ["my laptop cam doesnt work in skype either", "check device manager", "it says unknown device", "reinstall the driver"],
        ["wat does {cmd} do", "shows u info", "ok it says error", "paste it", "cant copy from here"],
        ["(anyone|any1) here good w computers", "depends wat u need", "my {thing} is dead i think", "is the light on", "no"],
        ["should i get more ram or a new {thing}", "ram is cheaper", "ok ty"],
    ];

    private static readonly string[][] Flirting =
    [
        ["i had fun at dinner", "me too {lol}", "we should do it again", "id like that"],
        ["ur really easy to talk to", "so r u", "aw ty"],
        ["wanna get {dish} {day}", "sure wat time", "{time}?", "its a date"],
        ["cant stop smiling since last night", "lol me either", "ur sweet"],
        ["how was work", "long day", "sorry to hear that wanna talk about it", "nah just glad to talk to u"],
        ["i think ur really cute", "haha stop", "im serious", "ur cute too"],
        ["i miss u already", "aww its only been a day", "still"],
        ["my friends want to meet u", "omg nervous", "they will love u"],
        ["wat kind of music u into", "{band} mostly", "no way me too"],
        ["we could see {movie} {day}", "ya id love that"],
    ];

    private static readonly string[][] ParentChild =
    [
        ["did u finish ur hw", "almost", "no {game} until its done", "ok mom"],
        ["ill be home at {time}", "ok", "theres {food} in the fridge", "ty"],
        ["is ur dad home yet", "not yet", "tell him to call me"],
        ["dont forget {sport} practice {day}", "i know", "love u", "love u too"],
        ["{name}s mom can drive u to the mall {day}", "yay ty", "be home by {time}", "ok"],
        ["did u feed {petname}", "yes", "good"],
        ["grandma says hi", "hi grandma", "she wants a pic of ur drawing"],
        ["u can get the new {skin} skin if u do ur chores", "deal", "and ur hw"],
        ["wat do u want for dinner", "{food}", "again lol", "pls"],
        ["(im|ill be) late (tonight|today) (sweetie|hun|kiddo)", "ok", "lock the door behind u after school", "i know mom"],
        ["ur aunt is picking u up at {time}", "ok", "be nice to ur cousins"],
    ];

    private static readonly string[][] Gaming =
    [
        ["ur streaming tonight?", "cant my cam is broke", "lame", "ya gonna fix it {day}"],
        ["just us two in the squad lol", "we got this", "gg"],
        ["that {skin} skin is sick", "ty got it on sale", "how much", "like 800 coins"],
        ["u on", "ya join my server", "wats the ip", "ill msg it"],
        ["gg", "gg wp", "rematch?", "after dinner"],
        ["lag is so bad", "ikr", "my {thing} sucks"],
        ["u see the new {game} update", "ya the map is huge", "lets try it {day}"],
        ["my mom took my xbox lol", "wat did u do", "bad grade in {subject}", "rip"],
        ["my cam setup is done come watch the stream", "link?", "same as always"],
    ];

    /// <summary>Small talk between adults.</summary>
    private static readonly string[][] AdultTalk =
    [
        ["how was work", "(long|busy|slow) day (lol|ugh|)", "same here my boss is (nuts|annoying|on vacation)", "lol"],
        ["its {weather} here", "(here too|not here its nice)", "(traffic|the commute) was (awful|fine) this morning"],
        ["made {food} for dinner", "nice i just ordered {dish}", "lazy night {lol}"],
        ["u watch {team} game", "ya they (lost|won) again", "(lol|ugh) {sport} season is so long"],
        ["did u see {show} last night", "(ya|not yet) no spoilers", "ok ok {lol}"],
        ["my {pet} chewed my shoes", "lol wats its name", "{petname}", "bad {petname}"],
        ["any plans {day}", "(prob just|gonna) (clean|sleep in|see {movie})", "sounds good"],
        ["my mom called again about thanksgiving", "lol moms", "she wants everyone there"],
        ["thinking of getting a new car", "wat kind", "something cheap {lol}"],
        ["the mall was packed today", "holiday shopping?", "ya for my nephew"],
    ];

    /// <summary>An adult (parent, relative, or in a risk chat the adult) asking a young person the usual things.</summary>
    private static readonly string[][] AdultAsksKid =
    [
        ["how was school", "(boring|ok i guess|sooo boring|meh) had a {subject} test", "how did it go", "idk {lol}"],
        ["wat games u play", "{game} mostly", "(cool|nice) i used to play that"],
        ["wat music u into", "{band}", "nice"],
        ["u have any pets", "a {pet} named {petname}", "(aww|cute|cool)"],
        ["wat u doin this weekend", "(nothin|prob {game}|goin to the mall w {name})", "(fun|cool)"],
        ["did u see {show}", "ya its so (funny|good)", "{lol}"],
        ["u play any sports", "{sport}", "nice (r u good|hows the team)", "kinda"],
        ["wats ur fav food", "{food}", "good choice"],
    ];

    /// <summary>A young person telling an older one about their day; the older one reacts.</summary>
    private static readonly string[][] KidShares =
    [
        ["my phone died lol", "again?", "ya the battery sucks"],
        ["(omg|ugh) so much hw tonight", "ugh sorry wat subject", "{subject} its killing me"],
        ["my mom says i gotta get off soon", "ok ttyl then"],
        ["got the new {skin} skin in {game} {lol}", "nice how", "saved up for like a month"],
        ["its {weather} here", "here too {lol}"],
        ["listening to {band} rn", "nice good taste"],
        ["my little bro is so annoying", "lol wat did he do", "keeps takin my stuff"],
        ["goin to the movies {day}", "wat u seein", "{movie}"],
        ["my {pet} is so funny", "wats its name", "{petname}", "cute"],
        ["goin to the mall {day} w {name}", "fun wat u gonna get", "idk maybe {food}"],
        ["i have {sport} practice {day}", "nice", "coach is so mean tho"],
        ["had {food} for dinner", "yum"],
    ];

    /// <summary>Topic exchanges for each benign category.</summary>
    public static string[][] ExchangesFor(string category) => category switch
    {
        "tech-help" => TechHelp,
        "adult-flirting" => Flirting,
        "parent-child" => ParentChild,
        "gaming" => Gaming,
        _ => SmallTalk,
    };

    /// <summary>The general chat mixed into each category between its topic exchanges.</summary>
    public static string[][] GeneralFor(string category) => category switch
    {
        "tech-help" or "adult-flirting" or "adult-small-talk" => AdultTalk,
        "parent-child" => AdultAsksKid,
        "teen-chat" => TeenTalk,
        _ => SmallTalk,
    };

    /// <summary>Teenagers mix their small talk with the day's news, as a young person in a risk chat does.</summary>
    private static readonly string[][] TeenTalk = [.. SmallTalk, .. KidShares];

    public static string[][] TeenSmallTalk => SmallTalk;
    public static string[][] AdultToKid => AdultAsksKid;
    public static string[][] KidToAdult => KidShares;
}

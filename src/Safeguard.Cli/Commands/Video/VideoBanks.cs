using Safeguard.Banks;
using Safeguard.Banks.Storage;
using Safeguard.Hashing.Pdq;
using Safeguard.Matching;
using Safeguard.Video.Vpdq;

namespace Safeguard.Cli.Commands.Video;

/// <summary>
/// The bank entries video matching needs, loaded once: PDQ entries and every vPDQ frame in one
/// <see cref="PdqIndex"/> (frame-level and live matching), vPDQ videos in a <see cref="VpdqIndex"/>
/// (the video rule), and video_md5 values for exact hits. Ids index <see cref="Entries"/>.
/// </summary>
public sealed class VideoBanks
{
    public List<BankEntry> Entries { get; } = [];
    public PdqIndex Frames { get; } = PdqIndex.Build([], []);
    public VpdqIndex Videos { get; } = new();
    public Dictionary<string, List<int>> VideoMd5 { get; } = new(StringComparer.Ordinal);

    /// <param name="includePdqAndMd5">False when a <see cref="Safeguard.Banks.Matching.BankIndex"/> already matches
    /// PDQ and MD5 entries (match, scan): only vPDQ videos are loaded.</param>
    public static async Task<VideoBanks> LoadAsync(IBankStore store, IReadOnlyList<string> banks, CancellationToken ct = default, bool includePdqAndMd5 = true)
    {
        var result = new VideoBanks();
        var names = banks.Count > 0 ? banks : (await store.ListBanksAsync(ct)).Select(b => b.Name).ToList();
        foreach (var bank in names)
        {
            if (await store.GetBankAsync(bank, ct) is null) throw new UsageException($"no bank named '{bank}'");
            await foreach (var e in store.EnumerateEntriesAsync(bank, includeDisabled: false, signalType: includePdqAndMd5 ? null : "vpdq", ct: ct))
            {
                int id = result.Entries.Count;
                if (!includePdqAndMd5 && e.SignalType != "vpdq") continue;
                switch (e.SignalType)
                {
                    case "pdq":
                        result.Entries.Add(e);
                        result.Frames.Add(Hash256.Parse(e.Value), id);
                        break;
                    case "vpdq" when VpdqText.TryParseCompact(e.Value, out var frames, out _):
                        result.Entries.Add(e);
                        result.Videos.Add(id, frames);
                        foreach (var h in VpdqMatcher.Distinct(frames)) result.Frames.Add(h, id);
                        break;
                    case "video_md5":
                    case "md5":
                        result.Entries.Add(e);
                        if (!result.VideoMd5.TryGetValue(e.Value, out var list)) result.VideoMd5[e.Value] = list = [];
                        list.Add(id);
                        break;
                }
            }
        }
        return result;
    }
}

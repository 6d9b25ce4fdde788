using System.IO.Compression;
using Safeguard.Banks;
using Safeguard.Engine.Index;
using Safeguard.Engine.Matching;
using Safeguard.Engine.Scanning;
using Safeguard.Hashing.Files;
using Safeguard.Signals;
using Safeguard.Storage.Sqlite;

namespace Safeguard.Engine.Tests;

/// <summary>A video inside a ZIP is decoded as one on disk is: its frames are matched and its TMK computed, not only its exact hashes.</summary>
public sealed class ArchiveVideoScanTests
{
    [Fact]
    public async Task A_video_in_a_zip_gets_its_frames_matched_and_its_tmk()
    {
        var dir = Directory.CreateTempSubdirectory("safeguard-zipvideo-").FullName;
        try
        {
            // Meta's reference hash of the frame at 8 s (its vPDQ output for this video), banked as a plain PDQ entry.
            var line = File.ReadLines(TestData.VpdqFile("sample-hashes/chair-19-sd-bar.txt")).Select(l => l.Split(','))
                .First(f => f[3] == "8.000");
            await using var store = await SqliteBankStore.OpenAsync(Path.Combine(dir, "banks.db"));
            await store.CreateBankAsync("frames");
            await store.ImportAsync("frames", [new EntryRecord(SignalTypes.Pdq, line[2]) { ContentId = "chair-8s" }]);
            var index = await BankIndex.LoadAsync(store);

            var evidence = Directory.CreateDirectory(Path.Combine(dir, "evidence")).FullName;
            using (var zip = ZipFile.Open(Path.Combine(evidence, "bundle.zip"), ZipArchiveMode.Create))
                zip.CreateEntryFromFile(TestData.VpdqFile("videos/chair-19-sd-bar.mp4"), "clips/chair.mp4");
            var output = Path.Combine(dir, "out");
            Directory.CreateDirectory(output);
            var scanner = new Scanner(new Matcher(index, new MatchPolicy()), new FileHashOptions(), ArchiveLimits.Default) { Threads = 1 };
            long failed = scanner.Run([evidence], output, "test", resume: false, "case", null, TextWriter.Null);

            Assert.Equal(0, failed);
            var records = File.ReadLines(Path.Combine(output, "files.jsonl")).Select(l => ScanRecord.FromJson(l)!).ToList();
            var member = Assert.Single(records, r => r.Path.EndsWith("bundle.zip!/clips/chair.mp4", StringComparison.Ordinal));
            Assert.Null(member.Error);
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(File.ReadAllBytes(TestData.VpdqFile("videos/chair-19-sd-bar.mp4")))), member.Md5);
            var hit = Assert.Single(member.Matches, m => m.Bank == "frames");
            Assert.Equal("pdq", hit.SignalType);
            Assert.NotNull(hit.FrameSeconds); // matched by a decoded frame, not by a hash of the file
            Assert.InRange(hit.FrameSeconds!.Value, 7.0, 9.0);
            Assert.NotNull(member.Tmk);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}

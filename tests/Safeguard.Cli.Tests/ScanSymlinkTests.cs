using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace Safeguard.Cli.Tests;

/// <summary>Evidence is a closed world: `scan` never follows a link out of it, `hash` never follows one out of its inputs.</summary>
public sealed class ScanSymlinkTests : CliFixture
{
    private static readonly string Aaa = Path.Combine(Pdq, "bridge-mods/aaa-orig.jpg");

    private static List<JsonElement> Records(string outDir) =>
        File.ReadLines(Path.Combine(outDir, "files.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Sha256(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));

    /// <summary>evidence/ with a photo, a text file, a sub-folder, and links to the host, to itself, inside, dangling and looping.</summary>
    private (string Ev, byte[] Photo, Dictionary<string, string> Links) Evidence()
    {
        var ev = Path.Combine(Dir, "evidence");
        Directory.CreateDirectory(Path.Combine(ev, "sub"));
        var photo = File.ReadAllBytes(Aaa);
        File.WriteAllBytes(Path.Combine(ev, "photo.jpg"), photo);
        File.WriteAllText(Path.Combine(ev, "sub", "note.txt"), "inside\n");
        var links = new Dictionary<string, string>
        {
            ["etc"] = "/etc", ["proc-self"] = "/proc/self", ["a-sibling.jpg"] = "photo.jpg", ["dangling"] = "/nonexistent/evidence/x",
            ["loop"] = "loop", ["sub-link"] = "sub", ["host-file"] = "/etc/hostname",
        };
        foreach (var (name, target) in links) File.CreateSymbolicLink(Path.Combine(ev, name), target);
        return (ev, photo, links);
    }

    [Fact]
    public void Links_in_the_evidence_are_recorded_with_their_target_text_and_never_followed()
    {
        var (ev, photo, links) = Evidence();
        var outDir = Path.Combine(Dir, "out");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var r = RunOk("scan", ev, "--out", outDir); // a link is no error
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "the scan walked through a link");
        var records = Records(outDir);
        Assert.All(records, x => Assert.StartsWith(ev + "/", Str(x, "path")));
        // Exactly the two files and the seven links: nothing from /etc or /proc.
        Assert.Equal(2 + links.Count, records.Count);
        var byPath = records.ToDictionary(x => Str(x, "path")!);
        foreach (var (name, target) in links)
        {
            var rec = byPath[Path.Combine(ev, name)];
            Assert.Equal("symlink", Str(rec, "type"));
            Assert.Equal(target, Str(rec, "link_target"));
            Assert.Null(Str(rec, "md5"));
            Assert.Null(Str(rec, "error"));
        }
        Assert.Equal(Sha256(photo), Str(byPath[Path.Combine(ev, "photo.jpg")], "sha256"));
        Assert.Equal(Sha256("inside\n"u8.ToArray()), Str(byPath[Path.Combine(ev, "sub", "note.txt")], "sha256"));
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json"))).RootElement;
        Assert.Equal(2, summary.GetProperty("files").GetInt32());
        Assert.Equal(links.Count, summary.GetProperty("links").GetInt32());
        Assert.Equal(0, summary.GetProperty("errors").GetInt32());
        var csv = SafeguardProcess.ParseCsv(File.ReadAllText(Path.Combine(outDir, "files.csv")));
        int typeColumn = Array.IndexOf(csv[0], "type"), targetColumn = Array.IndexOf(csv[0], "link_target");
        Assert.Contains(csv, row => row[0] == Path.Combine(ev, "etc") && row[typeColumn] == "symlink" && row[targetColumn] == "/etc");
    }

    [Fact]
    public void Follow_symlinks_stays_inside_the_evidence_and_hashes_each_file_once()
    {
        var (ev, photo, links) = Evidence();
        var outDir = Path.Combine(Dir, "out-follow");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        RunOk("scan", ev, "--out", outDir, "--follow-symlinks");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "the scan walked through a link");
        var records = Records(outDir);
        Assert.All(records, x => Assert.StartsWith(ev + "/", Str(x, "path")));
        Assert.Single(records, x => Str(x, "sha256") == Sha256(photo)); // the inside link's file: once
        Assert.Single(records, x => Str(x, "sha256") == Sha256("inside\n"u8.ToArray())); // the inside folder: once
        Assert.Equal(2 + links.Count, records.Count);
        var byPath = records.ToDictionary(x => Str(x, "path")!);
        foreach (var (name, target) in links)
        {
            Assert.Equal("symlink", Str(byPath[Path.Combine(ev, name)], "type"));
            Assert.Equal(target, Str(byPath[Path.Combine(ev, name)], "link_target"));
        }
        string Note(string name) => Str(byPath[Path.Combine(ev, name)], "link_note")!;
        foreach (var outside in new[] { "etc", "proc-self", "host-file" }) Assert.Contains("outside the inputs; not followed", Note(outside));
        Assert.Contains("inside the inputs", Note("a-sibling.jpg"));
        Assert.Contains(Path.Combine(ev, "photo.jpg"), Note("a-sibling.jpg"));
        Assert.Contains("broken symlink", Note("dangling"));
        Assert.Contains("symlink loop", Note("loop"));
        Assert.Contains("already visited", Note("sub-link"));
    }

    [Fact]
    public void Hash_follows_links_only_within_its_inputs()
    {
        var (ev, photo, _) = Evidence();
        var r = SafeguardProcess.Run(["hash", ev, "--signals", "sha256"], timeoutMs: 60_000);
        Assert.Equal(1, r.Exit); // links leading out were not hashed
        var rows = SafeguardProcess.ParseCsv(r.Out).Skip(1).ToList();
        Assert.Equal([Path.Combine(ev, "photo.jpg"), Path.Combine(ev, "sub", "note.txt")], rows.Select(x => x[0]).ToArray());
        Assert.Equal(Sha256(photo), rows[0][1]);
        foreach (var outside in new[] { "etc", "proc-self", "host-file" })
            Assert.Contains(r.ErrLines, l => l.StartsWith($"safeguard: {Path.Combine(ev, outside)}: ", StringComparison.Ordinal) && l.Contains("outside the inputs"));
        // A link named on the command line is followed: the user asked for it.
        var direct = SafeguardProcess.Run(["hash", Path.Combine(ev, "host-file"), "--signals", "sha256"]);
        Assert.Equal(0, direct.Exit);
        Assert.Equal(Sha256(File.ReadAllBytes("/etc/hostname")), SafeguardProcess.ParseCsv(direct.Out)[1][1]);
    }

    [Fact]
    public void Links_inside_tar_and_zip_archives_are_recorded_never_resolved()
    {
        var ev = Path.Combine(Dir, "ev-archives");
        Directory.CreateDirectory(ev);
        var tarBytes = new MemoryStream();
        using (var tar = new TarWriter(tarBytes, TarEntryFormat.Pax, leaveOpen: true))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "real.txt") { DataStream = new MemoryStream("real"u8.ToArray()) });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "passwd") { LinkName = "/etc/passwd" });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, "hard.txt") { LinkName = "real.txt" });
        }
        File.WriteAllBytes(Path.Combine(ev, "links.tar"), tarBytes.ToArray());
        var zipBytes = new MemoryStream();
        using (var zip = new ZipArchive(zipBytes, ZipArchiveMode.Create, leaveOpen: true))
        {
            var link = zip.CreateEntry("shadow");
            link.ExternalAttributes = unchecked((int)(0xA1FFu << 16)); // S_IFLNK | 0777
            using (var s = link.Open()) s.Write("/etc/shadow"u8);
            using (var s = zip.CreateEntry("plain.txt").Open()) s.Write("plain"u8);
        }
        var zipped = zipBytes.ToArray();
        // "Version made by" Unix (3), as Info-ZIP writes for links.
        for (int i = 0; i + 46 < zipped.Length; i++)
            if (zipped.AsSpan(i, 4).SequenceEqual("PK\u0001\u0002"u8)) zipped[i + 5] = 3;
        File.WriteAllBytes(Path.Combine(ev, "links.zip"), zipped);

        var outDir = Path.Combine(Dir, "out-archives");
        RunOk("scan", ev, "--out", outDir);
        var byPath = Records(outDir).ToDictionary(x => Str(x, "path")!);
        string T = Path.Combine(ev, "links.tar") + "!/", Z = Path.Combine(ev, "links.zip") + "!/";
        Assert.Equal(Sha256("real"u8.ToArray()), Str(byPath[T + "real.txt"], "sha256"));
        Assert.Equal(("symlink", "/etc/passwd"), (Str(byPath[T + "passwd"], "type"), Str(byPath[T + "passwd"], "link_target")));
        Assert.Equal(("hardlink", "real.txt"), (Str(byPath[T + "hard.txt"], "type"), Str(byPath[T + "hard.txt"], "link_target")));
        Assert.Equal(("symlink", "/etc/shadow"), (Str(byPath[Z + "shadow"], "type"), Str(byPath[Z + "shadow"], "link_target")));
        Assert.Null(Str(byPath[T + "passwd"], "md5"));
        Assert.Null(Str(byPath[Z + "shadow"], "md5"));
        Assert.Equal(Sha256("plain"u8.ToArray()), Str(byPath[Z + "plain.txt"], "sha256"));
    }
}

using System.Diagnostics.CodeAnalysis;
using Safeguard.Banks;
using Safeguard.Hashing.Tmk;
using Safeguard.Signals;

namespace Safeguard.Cli.Commands;

/// <summary>
/// A hash argument that names a .tmk file ("clip.tmk" or "tmk:clip.tmk"): its TMK+PDQF hash. A
/// whole tmk value (351,128 characters of base64) is longer than Linux lets one argument be
/// (128 KiB), so the file is the way to give one on the command line.
/// </summary>
internal static class TmkFileArgument
{
    public const string Extension = ".tmk";

    /// <summary>
    /// The file an argument names, when it ends in .tmk (no hash text does) and no other signal
    /// type was asked for; a missing file is then reported as such.
    /// </summary>
    public static string? PathOf(string arg, SignalType? type)
    {
        if (type is not null && type != SignalTypes.Tmk) return null;
        int colon = arg.IndexOf(':');
        if (colon > 0 && SignalTypes.TryGet(arg[..colon], out var prefix))
        {
            if (prefix != SignalTypes.Tmk) return null;
            arg = arg[(colon + 1)..];
        }
        return IsTmkFile(arg) ? arg : null;
    }

    private static bool IsTmkFile(string path) => path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase);

    public static bool TryRead(string path, [NotNullWhen(true)] out EntryRecord? record, [NotNullWhen(false)] out string? error)
    {
        record = null;
        error = null;
        try
        {
            record = new EntryRecord(SignalTypes.Tmk, SignalTypes.Tmk.Format(TmkFile.ReadFile(path)));
            return true;
        }
        catch (Exception ex) when (ex is TmkFormatException or IOException or UnauthorizedAccessException)
        {
            error = ex.Message;
            return false;
        }
    }
}

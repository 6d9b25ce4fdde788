// The CLI tests drive Linux tools (runuser, mkfifo, coreutils, ffmpeg) and Unix file modes.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

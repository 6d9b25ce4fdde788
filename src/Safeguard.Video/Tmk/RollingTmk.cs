using Safeguard.Hashing.Pdq;
using Safeguard.Hashing.Tmk;

namespace Safeguard.Video.Tmk;

/// <summary>
/// TMK+PDQF of the last N seconds of a stream, as if that stretch were a video of its own: the
/// frames' PDQF features stay in a ring (1 KB a frame: five minutes at 15 fps is 4.4 MB), and
/// every interval a fresh accumulator runs over the ring from its oldest frame (frame 0).
/// </summary>
public sealed class RollingTmk
{
    private readonly float[] _ring;
    private readonly int _capacity;
    private readonly int _intervalFrames;
    private readonly float[] _scratch = new float[PdqFloat.ScratchFloats];
    private long _added;
    private long _lastSnapshotAt;

    public RollingTmk(TimeSpan window, TimeSpan interval)
    {
        if (window <= TimeSpan.Zero || interval <= TimeSpan.Zero) throw new ArgumentException("window and interval must be positive");
        _capacity = Math.Max(1, (int)Math.Min(int.MaxValue / PdqFloat.Dimension, window.TotalSeconds * TmkParameters.FramesPerSecond));
        _intervalFrames = Math.Max(1, (int)(interval.TotalSeconds * TmkParameters.FramesPerSecond));
        _ring = new float[_capacity * PdqFloat.Dimension];
    }

    /// <summary>Frames received so far; frame n is at stream time n / 15 s.</summary>
    public long Frames => _added;

    /// <summary>Frames the window holds now.</summary>
    public int WindowFrames => (int)Math.Min(_added, _capacity);

    /// <summary>Adds one 64x64 RGB frame; true when an interval has passed since the last snapshot.</summary>
    public bool Add(ReadOnlySpan<byte> rgb24)
    {
        int slot = (int)(_added % _capacity);
        PdqFloat.FromRgb24(rgb24, _ring.AsSpan(slot * PdqFloat.Dimension, PdqFloat.Dimension), _scratch);
        _added++;
        return _added - _lastSnapshotAt >= _intervalFrames;
    }

    /// <summary>The TMK of the frames in the window, oldest first.</summary>
    public TmkFeatures Snapshot()
    {
        _lastSnapshotAt = _added;
        var accumulator = new TmkAccumulator();
        int count = WindowFrames;
        long first = _added - count;
        for (long n = first; n < _added; n++)
        {
            int slot = (int)(n % _capacity);
            accumulator.Add(_ring.AsSpan(slot * PdqFloat.Dimension, PdqFloat.Dimension));
        }
        return accumulator.Finish();
    }
}

using System.Diagnostics;

namespace Safeguard.Fuzz;

/// <summary>
/// Notices exceptions that mean a bug in Safeguard's own code (null dereference, index out of
/// range, overflow...) even when a catch-all turns them into an error message, as the archive
/// walker does. An exception of such a type thrown by the framework's internals on behalf of a
/// caller that passed valid arguments is the framework's documented failure, not ours, and is
/// left to the catch-all.
/// </summary>
public static class BugWatch
{
    private static readonly Type[] BugTypes =
    [
        typeof(NullReferenceException), typeof(IndexOutOfRangeException), typeof(ArgumentOutOfRangeException),
        typeof(ArgumentNullException), typeof(ArithmeticException), typeof(InvalidCastException),
        typeof(KeyNotFoundException), typeof(NotImplementedException), typeof(AccessViolationException),
    ];

    [ThreadStatic] private static bool _watching;
    [ThreadStatic] private static Exception? _first;
    [ThreadStatic] private static string? _where;

    public static void Install() => AppDomain.CurrentDomain.FirstChanceException += (_, e) =>
    {
        if (!_watching || _first is not null || !IsBugType(e.Exception)) return;
        var site = OwnThrowSite();
        if (site is null) return;
        _first = e.Exception;
        _where = site;
    };

    /// <summary>Runs the target on the input; throws <see cref="SwallowedBugException"/> if own code threw a bug-type exception that was caught.</summary>
    public static void Run(IFuzzTarget target, ReadOnlySpan<byte> input)
    {
        _first = null;
        _where = null;
        _watching = true;
        try { target.Run(input); }
        finally { _watching = false; }
        if (_first is not null) throw new SwallowedBugException(_where!, _first);
    }

    private static bool IsBugType(Exception ex) => BugTypes.Any(t => t.IsInstanceOfType(ex));

    /// <summary>The Safeguard method that threw (directly, or by calling a framework throw helper), else null.</summary>
    private static string? OwnThrowSite()
    {
        foreach (var frame in new StackTrace(1, false).GetFrames())
        {
            var type = frame.GetMethod()?.DeclaringType;
            if (type is null) continue;
            var name = type.FullName ?? type.Name;
            if (name.StartsWith("Safeguard.Fuzz.", StringComparison.Ordinal)) continue;
            if (name.Contains("ThrowHelper", StringComparison.Ordinal) || typeof(Exception).IsAssignableFrom(type)) continue;
            return name.StartsWith("Safeguard.", StringComparison.Ordinal) ? $"{name}.{frame.GetMethod()!.Name}" : null;
        }
        return null;
    }
}

/// <summary>A bug-type exception from Safeguard's own code that something caught and turned into a message.</summary>
public sealed class SwallowedBugException(string where, Exception inner)
    : Exception($"{inner.GetType().Name} thrown in {where} (caught and reported as an input error): {inner.Message}", inner);

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
        var site = OwnThrowSite(e.Exception);
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

    /// <summary>
    /// The Safeguard method that threw: directly, through a framework throw helper, or by passing
    /// a bad argument straight to a framework method (span slicing, stream position). Null when
    /// the framework threw from deeper inside its own code.
    /// </summary>
    private static string? OwnThrowSite(Exception ex)
    {
        var methods = new StackTrace(1, false).GetFrames()
            .Select(f => f.GetMethod())
            .Where(m => m?.DeclaringType is { } t && !IsDispatchOrHelper(t))
            .ToList();
        if (methods.Count == 0) return null;
        if (IsOwn(methods[0]!.DeclaringType!)) return Name(methods[0]!);
        if (ex is ArgumentException && methods.Count > 1 && IsOwn(methods[1]!.DeclaringType!))
            return $"{Name(methods[1]!)} (calling {Name(methods[0]!)})";
        return null;
    }

    // The handler runs on top of the throw: skip the runtime's dispatch, this class and the throw helpers.
    private static bool IsDispatchOrHelper(Type t)
    {
        var name = t.FullName ?? t.Name;
        return name.StartsWith("System.Runtime.EH", StringComparison.Ordinal) || name.StartsWith("Safeguard.Fuzz.BugWatch", StringComparison.Ordinal)
            || name.Contains("ThrowHelper", StringComparison.Ordinal) || typeof(Exception).IsAssignableFrom(t);
    }

    private static bool IsOwn(Type t)
    {
        var name = t.FullName ?? t.Name;
        return name.StartsWith("Safeguard.", StringComparison.Ordinal) && !name.StartsWith("Safeguard.Fuzz.", StringComparison.Ordinal);
    }

    private static string Name(System.Reflection.MethodBase m) => $"{m.DeclaringType!.FullName}.{m.Name}";
}

/// <summary>A bug-type exception from Safeguard's own code that something caught and turned into a message.</summary>
public sealed class SwallowedBugException(string where, Exception inner)
    : Exception($"{inner.GetType().Name} thrown in {where} (caught and reported as an input error): {inner.Message}", inner);

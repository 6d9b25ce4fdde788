using System.Reflection;
using System.Reflection.Emit;

namespace Safeguard.Server.Tests;

/// <summary>
/// The server's namespaces form layers: a namespace may use those below it, never one that uses it
/// back. The graph is read from the compiled assembly: every type's signatures (base type,
/// interfaces, fields, properties, method and constructor signatures, generic arguments) and its
/// method bodies (local variables and every type, method or field the IL refers to).
/// </summary>
public sealed class NamespaceCycleTests
{
    private const string Root = "Safeguard.Server";

    [Fact]
    public void The_server_namespaces_depend_on_each_other_without_a_cycle()
    {
        var graph = NamespaceGraph.Build(typeof(ServerOptions).Assembly, Root);
        // The reader sees what it must: signatures, locals and calls made from lambdas and async methods.
        Assert.Contains($"{Root}.Api", graph[$"{Root}.Endpoints"]);
        Assert.Contains($"{Root}.UseCases", graph[$"{Root}.Endpoints"]);
        Assert.Contains($"{Root}.Errors", graph[$"{Root}.Media"]);
        Assert.Contains($"{Root}.Matching", graph[$"{Root}.Index"]);
        Assert.Contains($"{Root}.Endpoints", graph[$"{Root}.Hosting"]);
        Assert.Contains($"{Root}.Errors", graph[$"{Root}.Hosting"]); // only a generic argument in IL: AddExceptionHandler<ServiceExceptionHandler>()
        var cycle = NamespaceGraph.FindCycle(graph);
        Assert.True(cycle is null, "namespace cycle: " + string.Join(" -> ", cycle ?? []));
    }

    [Fact]
    public void A_planted_cycle_is_found_and_a_layered_graph_passes()
    {
        var layered = new Dictionary<string, HashSet<string>> { ["a"] = ["b", "c"], ["b"] = ["c"], ["c"] = [] };
        Assert.Null(NamespaceGraph.FindCycle(layered));
        layered["c"].Add("a");
        var cycle = NamespaceGraph.FindCycle(layered);
        Assert.NotNull(cycle);
        Assert.Equal(cycle[0], cycle[^1]);
        Assert.Contains("c", cycle);
    }
}

internal static class NamespaceGraph
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    private const BindingFlags Members = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Namespace to the namespaces (under <paramref name="prefix"/>, in the same assembly) its types use.</summary>
    public static Dictionary<string, HashSet<string>> Build(Assembly assembly, string prefix)
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            if (NamespaceOf(type) is not { } from || !Within(from, prefix)) continue;
            if (!graph.TryGetValue(from, out var edges)) graph[from] = edges = new HashSet<string>(StringComparer.Ordinal);
            foreach (var used in TypesUsedBy(type))
                if (used.Assembly == assembly && NamespaceOf(used) is { } to && to != from && Within(to, prefix)) edges.Add(to);
        }
        return graph;
    }

    /// <summary>A path that starts and ends at one namespace, or null when the graph has no cycle.</summary>
    public static List<string>? FindCycle(Dictionary<string, HashSet<string>> graph)
    {
        var state = new Dictionary<string, int>(); // 1: on the current path, 2: done
        var path = new List<string>();
        List<string>? Visit(string n)
        {
            state[n] = 1;
            path.Add(n);
            foreach (var m in graph.TryGetValue(n, out var e) ? e.Order(StringComparer.Ordinal) : Enumerable.Empty<string>())
            {
                if (state.GetValueOrDefault(m) == 1) return [.. path.Skip(path.IndexOf(m)), m];
                if (state.GetValueOrDefault(m) == 0 && Visit(m) is { } found) return found;
            }
            path.RemoveAt(path.Count - 1);
            state[n] = 2;
            return null;
        }
        foreach (var n in graph.Keys.Order(StringComparer.Ordinal))
            if (state.GetValueOrDefault(n) == 0 && Visit(n) is { } cycle) return cycle;
        return null;
    }

    private static bool Within(string ns, string prefix) => ns == prefix || ns.StartsWith(prefix + ".", StringComparison.Ordinal);

    /// <summary>A nested type (a lambda's closure, an async state machine) counts as its outermost type's namespace.</summary>
    private static string? NamespaceOf(Type t)
    {
        while (t.DeclaringType is { } outer) t = outer;
        return string.IsNullOrEmpty(t.Namespace) ? null : t.Namespace;
    }

    private static HashSet<Type> TypesUsedBy(Type type)
    {
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null || t.IsGenericParameter || !found.Add(t)) return;
            if (t.HasElementType) Add(t.GetElementType());
            if (t.IsGenericType) foreach (var a in t.GetGenericArguments()) Add(a);
        }
        Add(type.BaseType);
        foreach (var i in type.GetInterfaces()) Add(i);
        foreach (var a in type.GetCustomAttributesData()) Add(a.AttributeType);
        foreach (var f in type.GetFields(Members)) Add(f.FieldType);
        foreach (var p in type.GetProperties(Members)) Add(p.PropertyType);
        foreach (var m in type.GetMethods(Members).Cast<MethodBase>().Concat(type.GetConstructors(Members)))
        {
            if (m is MethodInfo mi) Add(mi.ReturnType);
            foreach (var p in m.GetParameters()) Add(p.ParameterType);
            foreach (var a in m.GetCustomAttributesData()) Add(a.AttributeType);
            BodyReferences(m, Add);
        }
        return found;
    }

    /// <summary>The locals of a method body and every member or type its IL names.</summary>
    private static void BodyReferences(MethodBase method, Action<Type?> add)
    {
        if (method.GetMethodBody() is not { } body) return;
        foreach (var local in body.LocalVariables) add(local.LocalType);
        var il = body.GetILAsByteArray() ?? [];
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            short value = il[i] == 0xFE && i + 1 < il.Length ? (short)(0xFE00 | il[++i]) : il[i];
            i++;
            if (!OpCodesByValue.TryGetValue(value, out var op)) continue;
            switch (op.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    var member = Resolve(method.Module, BitConverter.ToInt32(il, i), typeArgs, methodArgs);
                    switch (member)
                    {
                        case Type t: add(t); break;
                        case FieldInfo f: add(f.DeclaringType); add(f.FieldType); break;
                        case MethodBase m:
                            add(m.DeclaringType);
                            if (m is MethodInfo mi) { add(mi.ReturnType); if (mi.IsGenericMethod) foreach (var a in mi.GetGenericArguments()) add(a); }
                            break;
                    }
                    i += 4;
                    break;
                case OperandType.InlineSwitch: i += 4 + 4 * BitConverter.ToInt32(il, i); break;
                case OperandType.InlineI8 or OperandType.InlineR: i += 8; break;
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: i += 1; break;
                case OperandType.InlineVar: i += 2; break;
                default: i += 4; break;
            }
        }
    }

    private static MemberInfo? Resolve(Module module, int token, Type[]? typeArgs, Type[]? methodArgs)
    {
        try { return module.ResolveMember(token, typeArgs, methodArgs); }
        catch (Exception ex) when (ex is ArgumentException or BadImageFormatException or TypeLoadException or MissingMemberException) { return null; }
    }

}

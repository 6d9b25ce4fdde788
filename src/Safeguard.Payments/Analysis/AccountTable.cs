namespace Safeguard.Payments.Analysis;

/// <summary>Account names to small numbers; looking up a known name from a row's span allocates nothing.</summary>
public sealed class AccountTable
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<string> _names = [];

    public AccountTable() => _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();

    public int Count => _names.Count;

    public int Intern(ReadOnlySpan<char> name)
    {
        if (_lookup.TryGetValue(name, out int id)) return id;
        var s = name.ToString();
        id = _names.Count;
        _names.Add(s);
        _ids.Add(s, id);
        return id;
    }

    public bool TryFind(ReadOnlySpan<char> name, out int id) => _lookup.TryGetValue(name, out id);

    public string NameOf(int id) => _names[id];
}

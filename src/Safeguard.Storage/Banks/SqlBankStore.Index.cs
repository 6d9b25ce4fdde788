using System.Runtime.CompilerServices;
using Safeguard.Banks;

namespace Safeguard.Storage.Banks;

public abstract partial class SqlBankStore
{
    public async Task<string> GetStoreIdentityAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenConnectionAsync(ct);
        await using var cmd = Db.Command(conn, null, "SELECT token FROM store_identity WHERE id = 1");
        return await cmd.ExecuteScalarAsync(ct) as string ?? throw new BankException($"{Describe}: the database has no identity row");
    }

    public async Task<long> ReadIndexRowsAsync(string signalType, IReadOnlyCollection<string>? banks, Action<long, string> row, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        await using var conn = await OpenConnectionAsync(ct);
        // One walk of the table in id order (the rowid order in SQLite): no sort, no per-page queries.
        // "|| ''" keeps the planner off the (signal_type, value) index, whose order would need a sort.
        string sql = "SELECT e.id, e.value FROM entries e WHERE e.signal_type || '' = @t AND e.disabled = 0";
        var ids = new List<long>();
        if (banks is not null)
        {
            foreach (var name in banks) ids.Add(await RequireBankIdAsync(conn, null, name, ct));
            if (ids.Count == 0) return 0;
            sql += $" AND e.bank_id IN ({string.Join(",", ids)})";
        }
        await using var cmd = Db.Command(conn, null, sql + " ORDER BY e.id");
        cmd.Param("@t", signalType);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        long n = 0;
        while (await r.ReadAsync(ct))
        {
            row(r.GetInt64(0), r.GetString(1));
            n++;
        }
        return n;
    }

    public async IAsyncEnumerable<BankEntry> EnumerateEnabledAsync(string signalType, IReadOnlyCollection<string>? banks,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var conn = await OpenConnectionAsync(ct);
        var bankIds = new List<long>();
        if (banks is null)
        {
            await using var list = Db.Command(conn, null, "SELECT id FROM banks ORDER BY id");
            await using var br = await list.ExecuteReaderAsync(ct);
            while (await br.ReadAsync(ct)) bankIds.Add(br.GetInt64(0));
        }
        else
            foreach (var name in banks) bankIds.Add(await RequireBankIdAsync(conn, null, name, ct));
        // One bank at a time through entries_value_key (bank_id, signal_type, ...): only this type's rows are read.
        foreach (long bankId in bankIds)
        {
            await using var cmd = Db.Command(conn, null,
                $"SELECT {EntryColumns} FROM entries e JOIN banks b ON b.id = e.bank_id WHERE e.bank_id = @b AND e.signal_type = @t AND e.disabled = 0");
            cmd.Param("@b", bankId); cmd.Param("@t", signalType);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) yield return ReadEntry(r, 0);
        }
    }

    public async Task<IReadOnlyList<BankEntry>> GetEntriesByIdAsync(IReadOnlyCollection<long> ids, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var list = new List<BankEntry>(ids.Count);
        if (ids.Count == 0) return list;
        await using var conn = await OpenConnectionAsync(ct);
        foreach (var chunk in ids.Chunk(500))
        {
            // Ids are numbers we format ourselves: no injection, and one statement per chunk.
            await using var cmd = Db.Command(conn, null,
                $"SELECT {EntryColumns} FROM entries e JOIN banks b ON b.id = e.bank_id WHERE e.id IN ({string.Join(",", chunk)}) ORDER BY e.id");
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) list.Add(ReadEntry(r, 0));
        }
        return list;
    }
}

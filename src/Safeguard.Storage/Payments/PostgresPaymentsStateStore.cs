using System.Data;
using Npgsql;
using NpgsqlTypes;
using Safeguard.Payments.State;
using Safeguard.Storage.Migrations;
using Safeguard.Storage.Postgres;

namespace Safeguard.Storage.Payments;

/// <summary>
/// Shared payments state in PostgreSQL (table <c>payments_account_state</c>), one connection per store.
/// A batch's accounts are first inserted as empty rows if new, then locked with SELECT ... FOR UPDATE,
/// both in byte order of the names (COLLATE "C"), so that workers wait for each other but never deadlock.
/// </summary>
public sealed class PostgresPaymentsStateStore : IPaymentsStateStore
{
    private readonly PostgresDatabase _db;
    private readonly NpgsqlConnection _conn;

    private PostgresPaymentsStateStore(PostgresDatabase db, NpgsqlConnection conn) { _db = db; _conn = conn; }

    /// <summary>Opens (and creates or upgrades the tables of) the state at a postgres:// URI or Npgsql connection string.</summary>
    public static async Task<PostgresPaymentsStateStore> OpenAsync(string connection, CancellationToken ct = default)
    {
        var db = new PostgresDatabase(ConnectionStrings.ToNpgsql(connection));
        try
        {
            await MigrationRunner.MigrateAsync(db, PaymentsStateSchema.Definition, ct);
            var conn = await db.DataSource.OpenConnectionAsync(ct);
            return new PostgresPaymentsStateStore(db, conn);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    public string Describe => _db.Describe;

    public IPaymentsStateTransaction Begin() => new Transaction(_conn, _conn.BeginTransaction(IsolationLevel.ReadCommitted));

    public bool IsTransient(Exception error) => error switch
    {
        PostgresException p => p.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure || p.IsTransient,
        NpgsqlException n => n.IsTransient,
        _ => false,
    };

    public void Dispose()
    {
        _conn.Dispose();
        _db.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private sealed class Transaction(NpgsqlConnection conn, NpgsqlTransaction tx) : IPaymentsStateTransaction
    {
        private NpgsqlCommand Command(string sql) => new(sql, conn, tx);

        public bool Claim(string batchId)
        {
            using var cmd = Command("INSERT INTO payments_batches (batch_id) VALUES (@b) ON CONFLICT DO NOTHING");
            cmd.Parameters.AddWithValue("b", batchId);
            return cmd.ExecuteNonQuery() == 1;
        }

        public IReadOnlyList<AccountStateSnapshot> LoadForUpdate(IReadOnlyList<string> sortedAccounts)
        {
            var names = sortedAccounts as string[] ?? [.. sortedAccounts];
            using (var insert = Command(
                "INSERT INTO payments_account_state (account) SELECT a FROM unnest(@a) AS a ORDER BY a COLLATE \"C\" ON CONFLICT DO NOTHING"))
            {
                insert.Parameters.Add(new NpgsqlParameter("a", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = names });
                insert.ExecuteNonQuery();
            }
            using var select = Command(
                "SELECT account, state FROM payments_account_state WHERE account = ANY(@a) ORDER BY account COLLATE \"C\" FOR UPDATE");
            select.Parameters.Add(new NpgsqlParameter("a", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = names });
            return Read(select);
        }

        public void Save(IReadOnlyList<AccountStateSnapshot> states)
        {
            if (states.Count == 0) return;
            using var cmd = Command(
                "UPDATE payments_account_state AS s SET state = v.state, updated_at = now() " +
                "FROM unnest(@a, @s) AS v(account, state) WHERE s.account = v.account");
            cmd.Parameters.Add(new NpgsqlParameter("a", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = states.Select(x => x.Account).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter("s", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = states.Select(x => x.State).ToArray() });
            int updated = cmd.ExecuteNonQuery();
            if (updated != states.Count)
                throw new InvalidOperationException($"saved {updated} of {states.Count} account states: every saved account must be locked by LoadForUpdate first");
        }

        public IReadOnlyList<AccountStateSnapshot> LoadAll()
        {
            using var cmd = Command("SELECT account, state FROM payments_account_state WHERE state IS NOT NULL ORDER BY account COLLATE \"C\"");
            return Read(cmd);
        }

        private static List<AccountStateSnapshot> Read(NpgsqlCommand cmd)
        {
            var list = new List<AccountStateSnapshot>();
            using var r = cmd.ExecuteReader();
            while (r.Read())
                if (!r.IsDBNull(1)) list.Add(new AccountStateSnapshot(r.GetString(0), (byte[])r.GetValue(1)));
            return list;
        }

        public void Commit() => tx.Commit();

        public void Dispose() => tx.Dispose();
    }
}

using Microsoft.Data.Sqlite;

namespace Etl.State;

/// <summary>
/// The order import's state in state/etl.db: the pull checkpoint, the review queue, back-updates parked for a
/// later run, and the trail of every decision (which run decided what about which order). Changes go one at a time
/// or in batches of one transaction each (<see cref="Apply"/>).
/// </summary>
public sealed class OrderLedger : IDisposable
{
    private const string CheckpointName = "orders";
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    private OrderLedger(SqliteConnection connection) => _connection = connection;

    /// <summary>Opens the ledger of a data root.</summary>
    public static OrderLedger Open(string dataRoot)
    {
        var ledger = new OrderLedger(StateDatabase.Open(dataRoot));
        ledger.Execute("""
            CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS order_review (portal_order_id TEXT PRIMARY KEY, reason TEXT NOT NULL, detail TEXT NOT NULL,
                erp_order_no TEXT, run_id TEXT NOT NULL, held_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS order_backupdates (portal_order_id TEXT PRIMARY KEY, erp_order_no TEXT NOT NULL,
                attempts INTEGER NOT NULL, last_error TEXT NOT NULL, since TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS order_trail (id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, portal_order_id TEXT NOT NULL,
                decision TEXT NOT NULL, detail TEXT, at TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS order_trail_order ON order_trail (portal_order_id);
            """);
        return ledger;
    }

    /// <summary>The checkpoint (the upper bound of the last complete window), or null before the first run.</summary>
    public DateTimeOffset? Checkpoint
    {
        get
        {
            lock (_gate)
            {
                using var command = Command("SELECT value FROM checkpoints WHERE name = $name", ("$name", CheckpointName));
                return command.ExecuteScalar() is string text ? DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : null;
            }
        }
    }

    /// <summary>Moves the checkpoint forward (never back).</summary>
    public void AdvanceCheckpoint(DateTimeOffset to)
    {
        lock (_gate)
        {
            if (Checkpoint is { } current && current >= to) return;
            using var command = Command("INSERT INTO checkpoints (name, value) VALUES ($name, $value) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                ("$name", CheckpointName), ("$value", to.UtcDateTime.ToString("O")));
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Holds an order for review (or updates why it is held).</summary>
    public void HoldForReview(string portalOrderId, string reason, string detail, string? erpOrderNo, string runId, DateTimeOffset at) =>
        Apply([new ReviewHold(portalOrderId, reason, detail, erpOrderNo, runId, at)]);

    /// <summary>Releases an order from review once a later run settled it.</summary>
    public void Release(string portalOrderId) => Apply([new ReviewRelease(portalOrderId)]);

    /// <summary>The orders held for review, oldest first.</summary>
    public List<ReviewEntry> ReviewQueue()
    {
        lock (_gate)
        {
            using var command = Command("SELECT portal_order_id, reason, detail, erp_order_no, run_id, held_at FROM order_review ORDER BY held_at, portal_order_id");
            using var reader = command.ExecuteReader();
            var result = new List<ReviewEntry>();
            while (reader.Read())
            {
                result.Add(new ReviewEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.GetString(4), DateTimeOffset.Parse(reader.GetString(5), System.Globalization.CultureInfo.InvariantCulture)));
            }
            return result;
        }
    }

    /// <summary>Parks a back-update that failed, for later runs.</summary>
    public void ParkBackUpdate(string portalOrderId, string erpOrderNo, string error, DateTimeOffset at) =>
        Apply([new BackUpdateParked(portalOrderId, erpOrderNo, error, at)]);

    /// <summary>Removes a parked back-update that went through (or is no longer needed).</summary>
    public void ClearBackUpdate(string portalOrderId) => Apply([new BackUpdateCleared(portalOrderId)]);

    /// <summary>The parked back-updates.</summary>
    public List<(string PortalOrderId, string ErpOrderNo)> ParkedBackUpdates()
    {
        lock (_gate)
        {
            using var command = Command("SELECT portal_order_id, erp_order_no FROM order_backupdates ORDER BY since, portal_order_id");
            using var reader = command.ExecuteReader();
            var result = new List<(string, string)>();
            while (reader.Read()) result.Add((reader.GetString(0), reader.GetString(1)));
            return result;
        }
    }

    /// <summary>Notes a decision about an order in the trail.</summary>
    public void Trail(string runId, string portalOrderId, string decision, string? detail, DateTimeOffset at) =>
        Apply([new TrailEntry(runId, portalOrderId, decision, detail, at)]);

    /// <summary>
    /// Writes the changes in their order, in one transaction: all of them or none. One commit (one flush to disk)
    /// for a whole batch is what lets the import keep up with thousands of orders.
    /// </summary>
    public void Apply(IReadOnlyList<OrderLedgerChange> changes)
    {
        if (changes.Count == 0) return;
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            // One command per statement, prepared once and bound again for each change.
            var commands = new Dictionary<string, SqliteCommand>(StringComparer.Ordinal);
            try
            {
                foreach (var change in changes)
                {
                    var (sql, parameters) = Statement(change);
                    if (!commands.TryGetValue(sql, out var command))
                    {
                        commands[sql] = command = _connection.CreateCommand();
                        command.CommandText = sql;
                        command.Transaction = transaction;
                    }
                    command.Parameters.Clear();
                    foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
                    command.ExecuteNonQuery();
                }
                transaction.Commit();
            }
            finally
            {
                foreach (var command in commands.Values) command.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

    private static (string Sql, (string Name, object? Value)[] Parameters) Statement(OrderLedgerChange change) => change switch
    {
        TrailEntry t => ("INSERT INTO order_trail (run_id, portal_order_id, decision, detail, at) VALUES ($run, $id, $decision, $detail, $at)",
            [("$run", t.RunId), ("$id", t.PortalOrderId), ("$decision", t.Decision), ("$detail", t.Detail), ("$at", Stamp(t.At))]),
        ReviewHold h => ("""
            INSERT INTO order_review (portal_order_id, reason, detail, erp_order_no, run_id, held_at) VALUES ($id, $reason, $detail, $erp, $run, $at)
            ON CONFLICT (portal_order_id) DO UPDATE SET reason = excluded.reason, detail = excluded.detail, erp_order_no = excluded.erp_order_no, run_id = excluded.run_id
            """, [("$id", h.PortalOrderId), ("$reason", h.Reason), ("$detail", h.Detail), ("$erp", h.ErpOrderNo), ("$run", h.RunId), ("$at", Stamp(h.At))]),
        ReviewRelease r => ("DELETE FROM order_review WHERE portal_order_id = $id", [("$id", r.PortalOrderId)]),
        BackUpdateParked p => ("""
            INSERT INTO order_backupdates (portal_order_id, erp_order_no, attempts, last_error, since) VALUES ($id, $erp, 1, $error, $at)
            ON CONFLICT (portal_order_id) DO UPDATE SET erp_order_no = excluded.erp_order_no, attempts = attempts + 1, last_error = excluded.last_error
            """, [("$id", p.PortalOrderId), ("$erp", p.ErpOrderNo), ("$error", p.Error), ("$at", Stamp(p.At))]),
        BackUpdateCleared c => ("DELETE FROM order_backupdates WHERE portal_order_id = $id", [("$id", c.PortalOrderId)]),
        _ => throw new InvalidOperationException($"Unknown ledger change {change.GetType().Name}."),
    };

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("O");

    private void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }
}

/// <summary>An order held for review: why, and which run held it.</summary>
public sealed record ReviewEntry(string PortalOrderId, string Reason, string Detail, string? ErpOrderNo, string RunId, DateTimeOffset HeldAt);

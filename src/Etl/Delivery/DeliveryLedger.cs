using Etl.State;
using Microsoft.Data.Sqlite;

namespace Etl.Delivery;

/// <summary>
/// What has been delivered to one portal, in state/etl.db (its own tables, its own connection): per batch id the body
/// hash, the idempotency key used and the first receipt; per (entity, key) the newest <c>as_of</c> delivered. A re-dropped
/// batch that was accepted is not posted again, and a re-dropped older payload does not roll newer records back.
/// </summary>
internal sealed class DeliveryLedger : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly string _portal;

    private DeliveryLedger(SqliteConnection connection, string portal)
    {
        _connection = connection;
        _portal = portal;
    }

    /// <summary>Opens (and creates) the ledger of a portal in a data root's state database.</summary>
    /// <param name="dataRoot">The data root.</param>
    /// <param name="portal">The portal's identity (<see cref="Portal.PortalTarget.Identity"/>).</param>
    public static DeliveryLedger Open(string dataRoot, string portal)
    {
        var connection = StateDatabase.Open(dataRoot);
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                CREATE TABLE IF NOT EXISTS delivery_batches (
                    portal TEXT NOT NULL, batch_id TEXT NOT NULL, body_hash TEXT NOT NULL,
                    entity TEXT NOT NULL, idempotency_key TEXT, receipt TEXT NOT NULL, delivered_at TEXT NOT NULL,
                    PRIMARY KEY (portal, batch_id, body_hash)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS delivery_records (
                    portal TEXT NOT NULL, entity TEXT NOT NULL, key TEXT NOT NULL, as_of TEXT NOT NULL, batch_id TEXT NOT NULL,
                    PRIMARY KEY (portal, entity, key)) WITHOUT ROWID;
                """;
            command.ExecuteNonQuery();
        }
        return new DeliveryLedger(connection, portal);
    }

    /// <summary>The first receipt of a batch accepted with this very body, or null.</summary>
    public string? FindReceipt(string batchId, string bodyHash)
    {
        using var command = Command("SELECT receipt FROM delivery_batches WHERE portal = $portal AND batch_id = $batch AND body_hash = $hash",
            ("$batch", batchId), ("$hash", bodyHash));
        return command.ExecuteScalar() as string;
    }

    /// <summary>Whether the batch id was accepted with any body (its own key is then taken at the portal).</summary>
    public bool WasAccepted(string batchId)
    {
        using var command = Command("SELECT 1 FROM delivery_batches WHERE portal = $portal AND batch_id = $batch LIMIT 1", ("$batch", batchId));
        return command.ExecuteScalar() is not null;
    }

    /// <summary>The newest as_of delivered for each of these keys that has one.</summary>
    public Dictionary<string, string> NewestAsOf(string entity, IEnumerable<string> keys)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        using var command = Command("SELECT as_of FROM delivery_records WHERE portal = $portal AND entity = $entity AND key = $key",
            ("$entity", entity), ("$key", ""));
        command.Prepare();
        foreach (var key in keys)
        {
            command.Parameters["$key"].Value = key;
            if (command.ExecuteScalar() is string asOf) result[key] = asOf;
        }
        return result;
    }

    /// <summary>The newest as_of delivered for any key of an entity, or null when none was.</summary>
    public string? NewestAsOf(string entity)
    {
        using var command = Command("SELECT MAX(as_of) FROM delivery_records WHERE portal = $portal AND entity = $entity", ("$entity", entity));
        return command.ExecuteScalar() as string;
    }

    /// <summary>
    /// Notes an accepted batch (its receipt) and, when its as_of is known, the newest as_of of each key it delivered,
    /// in one transaction. A key keeps a newer as_of it already has.
    /// </summary>
    public void RecordAccepted(string batchId, string bodyHash, string entity, string? idempotencyKey, string receipt, DateTimeOffset deliveredAt,
        string? asOf, IEnumerable<string> deliveredKeys)
    {
        using var transaction = _connection.BeginTransaction();
        using (var batch = Command("""
            INSERT INTO delivery_batches (portal, batch_id, body_hash, entity, idempotency_key, receipt, delivered_at)
            VALUES ($portal, $batch, $hash, $entity, $key, $receipt, $at)
            ON CONFLICT (portal, batch_id, body_hash) DO NOTHING
            """, ("$batch", batchId), ("$hash", bodyHash), ("$entity", entity), ("$key", (object?)idempotencyKey ?? DBNull.Value),
            ("$receipt", receipt), ("$at", Payload.Format(deliveredAt))))
        {
            batch.Transaction = transaction;
            batch.ExecuteNonQuery();
        }
        if (asOf is not null)
        {
            using var record = Command("""
                INSERT INTO delivery_records (portal, entity, key, as_of, batch_id) VALUES ($portal, $entity, $key, $asof, $batch)
                ON CONFLICT (portal, entity, key) DO UPDATE SET as_of = excluded.as_of, batch_id = excluded.batch_id
                WHERE excluded.as_of >= delivery_records.as_of
                """, ("$entity", entity), ("$key", ""), ("$asof", asOf), ("$batch", batchId));
            record.Transaction = transaction;
            record.Prepare();
            foreach (var key in deliveredKeys)
            {
                record.Parameters["$key"].Value = key;
                record.ExecuteNonQuery();
            }
        }
        transaction.Commit();
    }

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$portal", _portal);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }
}

using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Etl.PortalSandbox.Entities;
using Etl.PortalSandbox.Imports;
using Etl.PortalSandbox.Orders;
using Etl.PortalSandbox.Time;

namespace Etl.PortalSandbox.Storage;

/// <summary>
/// The sandbox's state in SQLite: orders, entity records and import idempotency keys. One
/// connection, and one gate that serializes every use of it, so writes apply in arrival order;
/// each change is committed (synchronous=FULL) before the call that made it answers.
/// </summary>
internal sealed class SandboxStore : IAsyncDisposable
{
    private readonly SqliteConnection connection;
    private readonly SandboxClock clock;
    private readonly SemaphoreSlim gate = new(1, 1);

    private SandboxStore(SqliteConnection connection, SandboxClock clock)
    {
        this.connection = connection;
        this.clock = clock;
    }

    public static async Task<SandboxStore> OpenAsync(string stateFile, SandboxClock clock, CancellationToken ct)
    {
        var full = Path.GetFullPath(stateFile);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct);
            connection.CreateCollation("ORDINAL", string.CompareOrdinal);
            await ExecuteAsync(connection, null, """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = FULL;
                CREATE TABLE IF NOT EXISTS orders (
                    id TEXT PRIMARY KEY,
                    updated_at TEXT NOT NULL,
                    status TEXT NOT NULL,
                    doc TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS ix_orders_updated_at ON orders (updated_at);
                CREATE TABLE IF NOT EXISTS records (
                    entity TEXT NOT NULL,
                    key TEXT NOT NULL,
                    doc TEXT NOT NULL,
                    PRIMARY KEY (entity, key));
                CREATE TABLE IF NOT EXISTS imports (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    idempotency_key TEXT NOT NULL UNIQUE,
                    request_hash TEXT NOT NULL,
                    entity TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    answer TEXT NOT NULL);
                """, ct);
            return new SandboxStore(connection, clock);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public Task<JsonObject?> GetOrderAsync(string id, CancellationToken ct)
        => Locked(() => ReadOrderAsync(null, id, ct), ct);

    /// <summary>
    /// Orders with <c>from &lt;= updated_at &lt; to</c> (either bound optional), a status among
    /// <paramref name="statuses"/> (empty: any), after the cursor position, by (updated_at, id);
    /// one more than <paramref name="limit"/> is read to know whether another page follows.
    /// </summary>
    public Task<(List<JsonObject> Orders, bool More)> QueryOrdersAsync(
        string? from, string? to, IReadOnlyList<string> statuses, OrderCursor? after, int limit, CancellationToken ct)
        => Locked(async () =>
        {
            await using var command = connection.CreateCommand();
            var where = new List<string>();
            if (from is not null)
            {
                where.Add("updated_at >= $from");
                command.Parameters.AddWithValue("$from", from);
            }

            if (to is not null)
            {
                where.Add("updated_at < $to");
                command.Parameters.AddWithValue("$to", to);
            }

            if (statuses.Count > 0)
            {
                var names = statuses.Select((s, i) => $"$s{i}").ToList();
                where.Add($"status IN ({string.Join(", ", names)})");
                for (var i = 0; i < statuses.Count; i++)
                {
                    command.Parameters.AddWithValue(names[i], statuses[i]);
                }
            }

            if (after is not null)
            {
                where.Add("(updated_at > $after_at OR (updated_at = $after_at AND id > $after_id COLLATE ORDINAL))");
                command.Parameters.AddWithValue("$after_at", after.UpdatedAt);
                command.Parameters.AddWithValue("$after_id", after.Id);
            }

            command.CommandText = $"""
                SELECT doc FROM orders
                {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")}
                ORDER BY updated_at, id COLLATE ORDINAL
                LIMIT $take
                """;
            command.Parameters.AddWithValue("$take", limit + 1);
            var orders = new List<JsonObject>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                orders.Add(ParseDoc(reader.GetString(0)));
            }

            var more = orders.Count > limit;
            if (more)
            {
                orders.RemoveAt(limit);
            }

            return (orders, more);
        }, ct);

    /// <summary>Links an order to its ERP order (see <see cref="ErpReferenceResult"/>).</summary>
    public Task<(ErpReferenceResult Result, JsonObject? Order)> SetErpReferenceAsync(string id, string erpOrderNo, CancellationToken ct)
        => Locked(async () =>
        {
            var order = await ReadOrderAsync(null, id, ct);
            if (order is null)
            {
                return (ErpReferenceResult.NotFound, (JsonObject?)null);
            }

            var current = OrderDocument.ErpOrderNo(order);
            if (current == erpOrderNo)
            {
                return (ErpReferenceResult.Unchanged, order);
            }

            if (!string.IsNullOrEmpty(current))
            {
                return (ErpReferenceResult.Conflict, order);
            }

            order["erp_order_no"] = erpOrderNo;
            order["updated_at"] = clock.LocalNowText();
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            await WriteOrderAsync(tx, order, ct);
            await tx.CommitAsync(ct);
            return (ErpReferenceResult.Set, order);
        }, ct);

    /// <summary>Seeds orders (already checked), merging into stored ones, in one transaction.</summary>
    public Task<int> SeedOrdersAsync(IReadOnlyList<JsonObject> seeds, CancellationToken ct)
        => Locked(async () =>
        {
            var now = clock.LocalNowText();
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            foreach (var seed in seeds)
            {
                var existing = await ReadOrderAsync(tx, OrderDocument.Id(seed), ct);
                await WriteOrderAsync(tx, OrderDocument.Merge(existing, seed, now), ct);
            }

            await tx.CommitAsync(ct);
            return seeds.Count;
        }, ct);

    /// <summary>
    /// Applies an import's records in order under its idempotency key, or answers a replay or a
    /// key conflict; the records, the order status changes and the key commit together.
    /// </summary>
    public Task<ImportOutcome> ImportAsync(
        EntitySpec entity, string idempotencyKey, string requestHash, JsonArray records, CancellationToken ct)
        => Locked(async () =>
        {
            await using (var find = connection.CreateCommand())
            {
                find.CommandText = "SELECT request_hash, answer FROM imports WHERE idempotency_key = $key";
                find.Parameters.AddWithValue("$key", idempotencyKey);
                await using var reader = await find.ExecuteReaderAsync(ct);
                if (await reader.ReadAsync(ct))
                {
                    return reader.GetString(0) == requestHash
                        ? new ImportOutcome(ImportOutcomeKind.Replayed, reader.GetString(1))
                        : new ImportOutcome(ImportOutcomeKind.KeyConflict, "");
                }
            }

            var now = clock.LocalNowText();
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            var accepted = 0;
            var rejected = new JsonArray();
            for (var index = 0; index < records.Count; index++)
            {
                var record = ImportRecord.Check(entity, records[index], out var code, out var message);
                if (record is not null && !record.IsDelete && entity.Name == "fixed_prices"
                    && !await RecordExistsAsync(tx, "customers", ImportRecord.KeyOf([record.KeyValues[0]]), ct))
                {
                    code = ImportRecord.Codes.UnknownCustomer;
                    message = $"Customer '{record.KeyValues[0]}' is not among the portal's customers.";
                    record = null;
                }

                if (record is null)
                {
                    rejected.Add(new JsonObject { ["index"] = index, ["code"] = code, ["message"] = message });
                    continue;
                }

                await ApplyRecordAsync(tx, entity, record, now, ct);
                accepted++;
            }

            long seq;
            await using (var insert = Command(tx, """
                INSERT INTO imports (idempotency_key, request_hash, entity, received_at, answer)
                VALUES ($key, $hash, $entity, $at, '');
                SELECT last_insert_rowid();
                """))
            {
                insert.Parameters.AddWithValue("$key", idempotencyKey);
                insert.Parameters.AddWithValue("$hash", requestHash);
                insert.Parameters.AddWithValue("$entity", entity.Name);
                insert.Parameters.AddWithValue("$at", now);
                seq = (long)(await insert.ExecuteScalarAsync(ct))!;
            }

            var answer = new JsonObject
            {
                ["import_id"] = $"imp-{seq:D6}",
                ["accepted"] = accepted,
                ["rejected"] = rejected,
            }.ToJsonString();
            await using (var update = Command(tx, "UPDATE imports SET answer = $answer WHERE seq = $seq"))
            {
                update.Parameters.AddWithValue("$answer", answer);
                update.Parameters.AddWithValue("$seq", seq);
                await update.ExecuteNonQueryAsync(ct);
            }

            await tx.CommitAsync(ct);
            return new ImportOutcome(ImportOutcomeKind.Applied, answer);
        }, ct);

    /// <summary>An entity's records as last upserted, sorted by key (ordinal, field by field).</summary>
    public Task<List<JsonObject>> GetRecordsAsync(EntitySpec entity, CancellationToken ct)
        => Locked(async () =>
        {
            await using var command = Command(null, "SELECT doc FROM records WHERE entity = $entity");
            command.Parameters.AddWithValue("$entity", entity.Name);
            var records = new List<JsonObject>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                records.Add(ParseDoc(reader.GetString(0)));
            }

            records.Sort((a, b) =>
            {
                foreach (var field in entity.KeyFields)
                {
                    var c = string.CompareOrdinal(a[field]?.GetValue<string>(), b[field]?.GetValue<string>());
                    if (c != 0)
                    {
                        return c;
                    }
                }

                return 0;
            });
            return records;
        }, ct);

    /// <summary>Empties the state (import ids keep counting up, so they stay unique).</summary>
    public Task ResetAsync(CancellationToken ct)
        => Locked(async () =>
        {
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            await ExecuteAsync(connection, tx, "DELETE FROM orders; DELETE FROM records; DELETE FROM imports;", ct);
            await tx.CommitAsync(ct);
            return 0;
        }, ct);

    public async ValueTask DisposeAsync()
    {
        await gate.WaitAsync();
        try
        {
            await connection.DisposeAsync();
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<T> Locked<T>(Func<Task<T>> work, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            return await work();
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task ApplyRecordAsync(SqliteTransaction tx, EntitySpec entity, ImportRecord record, string now, CancellationToken ct)
    {
        if (record.IsDelete)
        {
            await using var delete = Command(tx, "DELETE FROM records WHERE entity = $entity AND key = $key");
            delete.Parameters.AddWithValue("$entity", entity.Name);
            delete.Parameters.AddWithValue("$key", record.Key);
            await delete.ExecuteNonQueryAsync(ct);
            return;
        }

        await using (var upsert = Command(tx, """
            INSERT INTO records (entity, key, doc) VALUES ($entity, $key, $doc)
            ON CONFLICT (entity, key) DO UPDATE SET doc = excluded.doc
            """))
        {
            upsert.Parameters.AddWithValue("$entity", entity.Name);
            upsert.Parameters.AddWithValue("$key", record.Key);
            upsert.Parameters.AddWithValue("$doc", record.Fields.ToJsonString());
            await upsert.ExecuteNonQueryAsync(ct);
        }

        if (entity.Name == "order_status"
            && record.Fields["portal_order_id"] is JsonValue idValue && idValue.TryGetValue<string>(out var orderId)
            && record.Fields["status"] is JsonValue statusValue && statusValue.TryGetValue<string>(out var status)
            && !string.IsNullOrWhiteSpace(status)
            && await ReadOrderAsync(tx, orderId, ct) is { } order)
        {
            order["status"] = status;
            order["updated_at"] = now;
            await WriteOrderAsync(tx, order, ct);
        }
    }

    private async Task<bool> RecordExistsAsync(SqliteTransaction tx, string entity, string key, CancellationToken ct)
    {
        await using var command = Command(tx, "SELECT 1 FROM records WHERE entity = $entity AND key = $key");
        command.Parameters.AddWithValue("$entity", entity);
        command.Parameters.AddWithValue("$key", key);
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    private async Task<JsonObject?> ReadOrderAsync(SqliteTransaction? tx, string id, CancellationToken ct)
    {
        await using var command = Command(tx, "SELECT doc FROM orders WHERE id = $id");
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteScalarAsync(ct) is string doc ? ParseDoc(doc) : null;
    }

    private async Task WriteOrderAsync(SqliteTransaction tx, JsonObject order, CancellationToken ct)
    {
        await using var command = Command(tx, """
            INSERT INTO orders (id, updated_at, status, doc) VALUES ($id, $updated_at, $status, $doc)
            ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, status = excluded.status, doc = excluded.doc
            """);
        command.Parameters.AddWithValue("$id", OrderDocument.Id(order));
        command.Parameters.AddWithValue("$updated_at", OrderDocument.UpdatedAt(order));
        command.Parameters.AddWithValue("$status", OrderDocument.Status(order));
        command.Parameters.AddWithValue("$doc", order.ToJsonString());
        await command.ExecuteNonQueryAsync(ct);
    }

    private SqliteCommand Command(SqliteTransaction? tx, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return command;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? tx, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }

    private static JsonObject ParseDoc(string doc) => (JsonObject)JsonNode.Parse(doc)!;
}

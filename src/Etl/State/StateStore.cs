using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Etl.State;

/// <summary>
/// state/etl.db: the run history and the baselines (what the portal is believed to hold), in SQLite.
/// One connection, used under a lock: entities run in parallel but commit one at a time.
/// </summary>
public sealed class StateStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly string _dataRoot;
    private readonly Lock _gate = new();

    private StateStore(SqliteConnection connection, string dataRoot)
    {
        _connection = connection;
        _dataRoot = dataRoot;
    }

    /// <summary>Opens (and creates or upgrades) the state database of a data root.</summary>
    public static StateStore Open(string dataRoot)
    {
        var store = new StateStore(StateDatabase.Open(dataRoot), dataRoot);
        store.Execute("""
            CREATE TABLE IF NOT EXISTS baseline_pages (
                entity TEXT NOT NULL, page INTEGER NOT NULL, bytes BLOB NOT NULL,
                PRIMARY KEY (entity, page));
            CREATE TABLE IF NOT EXISTS baseline_index (
                entity TEXT PRIMARY KEY, pages INTEGER NOT NULL, slots BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS baseline_journal (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, entity TEXT NOT NULL, key TEXT NOT NULL, vals TEXT);
            CREATE TABLE IF NOT EXISTS runs (
                run_id TEXT PRIMARY KEY, pipeline TEXT NOT NULL, started_at TEXT NOT NULL,
                finished_at TEXT, exit_code INTEGER, summary TEXT);
            """);
        store.MigrateBaselineRows();
        return store;
    }

    /// <summary>A data root of an earlier version kept one row per key; those rows become journal entries, folded in by the next run.</summary>
    private void MigrateBaselineRows()
    {
        using var transaction = _connection.BeginTransaction();
        using var exists = Command("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'baseline'");
        exists.Transaction = transaction;
        if (Convert.ToInt64(exists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0) return;
        using var move = Command("INSERT INTO baseline_journal (entity, key, vals) SELECT entity, key, vals FROM baseline ORDER BY entity, key; DROP TABLE baseline;");
        move.Transaction = transaction;
        move.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <summary>
    /// Loads an entity's baseline: its stored pages, then the journal's later changes (deliveries the portal refused,
    /// reconcile corrections) in order. <see cref="Baseline.JournalMark"/> notes how far the journal was read.
    /// </summary>
    public Baseline LoadBaseline(string entity)
    {
        lock (_gate)
        {
            var pages = new List<byte[]>();
            using (var command = Command("SELECT rowid, length(bytes) FROM baseline_pages WHERE entity = $entity ORDER BY page", ("$entity", entity)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    var page = GC.AllocateUninitializedArray<byte>(reader.GetInt32(1));
                    ReadBlob("baseline_pages", "bytes", reader.GetInt64(0), page);
                    pages.Add(page);
                }
            }
            var baseline = Baseline.FromPages(pages, LoadIndex(entity));
            baseline.JournalMark = ReadJournal(entity, after: 0, baseline.Set);
            return baseline;
        }
    }

    /// <summary>The stored index of an entity's full set of pages, read straight into its slots; null when there is none.</summary>
    private BaselineIndex? LoadIndex(string entity)
    {
        using var command = Command("SELECT rowid, pages, length(slots) FROM baseline_index WHERE entity = $entity", ("$entity", entity));
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        var slots = GC.AllocateUninitializedArray<ulong>((int)(reader.GetInt64(2) / sizeof(ulong)));
        ReadBlob("baseline_index", "slots", reader.GetInt64(0), MemoryMarshal.AsBytes(slots.AsSpan()));
        return new BaselineIndex(reader.GetInt32(1), slots);
    }

    /// <summary>Reads a whole blob straight into a buffer of its length (no copy of it in between).</summary>
    private void ReadBlob(string table, string column, long rowid, Span<byte> into)
    {
        using var blob = new SqliteBlob(_connection, table, column, rowid, readOnly: true);
        blob.ReadExactly(into);
    }

    /// <summary>Stores the index of a full set of pages just written (in the caller's transaction), replacing the previous one.</summary>
    private void StoreIndex(string entity, BaselineIndex index, SqliteTransaction transaction)
    {
        var bytes = MemoryMarshal.AsBytes(index.Slots.AsSpan());
        using var insert = Command("INSERT OR REPLACE INTO baseline_index (entity, pages, slots) VALUES ($entity, $pages, zeroblob($length)) RETURNING rowid",
            ("$entity", entity), ("$pages", index.Pages), ("$length", bytes.Length));
        insert.Transaction = transaction;
        var rowid = Convert.ToInt64(insert.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        using var blob = new SqliteBlob(_connection, "baseline_index", "slots", rowid);
        blob.Write(bytes);
    }

    /// <summary>
    /// Records changes of an entity's baseline in the journal, in one transaction (refused deliveries, reconcile
    /// corrections and repairs); the next <see cref="AdvanceBaseline"/> folds them into the stored pages.
    /// </summary>
    public void ApplyToBaseline(string entity, IEnumerable<BaselineChange> changes)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var insert = Command("INSERT INTO baseline_journal (entity, key, vals) VALUES ($entity, $key, $vals)",
                ("$entity", entity), ("$key", ""), ("$vals", ""));
            insert.Transaction = transaction;
            foreach (var change in changes)
            {
                insert.Parameters["$key"].Value = change.Key;
                insert.Parameters["$vals"].Value = (object?)change.Values ?? DBNull.Value;
                insert.ExecuteNonQuery();
            }
            transaction.Commit();
        }
    }

    /// <summary>
    /// Advances an entity's baseline after a run published its payloads, in one transaction that also clears the
    /// journal entries it folds in. What is stored, in order: what the baseline took since it was loaded (the journal
    /// as it was then, changes applied in memory), the run's <paramref name="changes"/> as the payloads keep them
    /// (pages of <see cref="Baseline.PackChanges"/>), and what the journal gained since (a refusal noted meanwhile
    /// wins, so its key is sent again). Usually these are added as further pages, as they are, without the baseline in
    /// memory taking them (a million-key run spent 60 ms doing that, only to store the same records), which then lags
    /// behind what is stored. When the stored pages would outweigh twice what the live keys take, the baseline takes
    /// them and every live key is written afresh.
    /// </summary>
    public void AdvanceBaseline(string entity, Baseline baseline, IReadOnlyList<byte[]>? changes = null)
    {
        lock (_gate)
        {
            var later = new List<BaselineChange>();
            var through = ReadJournal(entity, baseline.JournalMark, (key, values) => later.Add(new BaselineChange(key, values)));
            List<byte[]> pages = [.. changes ?? [], Baseline.PackChanges(later)];
            var added = pages.Sum(page => (long)page.Length);
            if (!baseline.HasChanges && added == 0 && through == 0) return;
            if (baseline.ShouldCompact(added))
            {
                foreach (var page in pages) baseline.ApplyPacked(page);
                Store(entity, baseline, compact: true, baseline.ToPages(), through);
            }
            else
            {
                Store(entity, baseline, compact: false, Baseline.Concatenate([.. baseline.ChangedPages(), .. pages.Select(page => (ReadOnlyMemory<byte>)page)]), through);
            }
        }
    }

    /// <summary>
    /// Writes an entity's pages in one transaction: all of them (<paramref name="compact"/>, with their index) or the
    /// changes after those stored; clears the journal up to <paramref name="through"/>, which they include.
    /// </summary>
    private void Store(string entity, Baseline baseline, bool compact, IEnumerable<ReadOnlyMemory<byte>> pages, long through)
    {
        using var transaction = _connection.BeginTransaction();
        if (compact)
        {
            using var delete = Command("DELETE FROM baseline_pages WHERE entity = $entity", ("$entity", entity));
            delete.Transaction = transaction;
            delete.ExecuteNonQuery();
        }
        var (written, stored) = (0, 0L);
        using (var insert = Command("INSERT INTO baseline_pages (entity, page, bytes) VALUES ($entity, $page, $bytes)",
            ("$entity", entity), ("$page", 0), ("$bytes", Array.Empty<byte>())))
        {
            insert.Transaction = transaction;
            var number = compact ? 0 : baseline.StoredPages;
            foreach (var page in pages)
            {
                insert.Parameters["$page"].Value = number++;
                var bytes = insert.Parameters["$bytes"];
                bytes.Value = MemoryMarshal.TryGetArray(page, out var segment) && segment.Offset == 0 ? segment.Array : page.ToArray();
                bytes.Size = page.Length;
                insert.ExecuteNonQuery();
                written++;
                stored += page.Length;
            }
        }
        if (compact) StoreIndex(entity, baseline.IndexOfPages(written), transaction);
        using (var clear = Command("DELETE FROM baseline_journal WHERE entity = $entity AND seq <= $through", ("$entity", entity), ("$through", through)))
        {
            clear.Transaction = transaction;
            clear.ExecuteNonQuery();
        }
        transaction.Commit();
        baseline.MarkStored(compact, written, stored);
        baseline.JournalMark = through;
    }

    /// <summary>Hands each journal entry of an entity after a position, in order, to <paramref name="each"/>; returns the last position read.</summary>
    private long ReadJournal(string entity, long after, Action<string, string?> each)
    {
        using var command = Command("SELECT seq, key, vals FROM baseline_journal WHERE entity = $entity AND seq > $after ORDER BY seq",
            ("$entity", entity), ("$after", after));
        using var reader = command.ExecuteReader();
        var last = after;
        while (reader.Read())
        {
            last = reader.GetInt64(0);
            each(reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        }
        return last;
    }

    /// <summary>
    /// What a baseline entry holds when the portal's value is unknown (a refused payload, a rejected record):
    /// it equals no row, so the next run that reads the key sends it again, or deletes it when the ERP lacks it.
    /// </summary>
    public const string UnknownValues = "\u0000unknown";

    /// <summary>Marks keys whose delivery the portal refused as unknown, so that the next run resends them.</summary>
    public void ForgetBaseline(string entity, IEnumerable<string> keys) =>
        ApplyToBaseline(entity, [.. keys.Select(k => new BaselineChange(k, UnknownValues))]);

    /// <summary>Notes that a run started.</summary>
    public void RecordRunStarted(string runId, string pipeline, DateTimeOffset startedAt)
    {
        lock (_gate)
        {
            using var command = Command("INSERT INTO runs (run_id, pipeline, started_at) VALUES ($id, $pipeline, $started)",
                ("$id", runId), ("$pipeline", pipeline), ("$started", startedAt.ToString("O")));
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Notes how a run ended, with its summary JSON.</summary>
    public void RecordRunFinished(string runId, DateTimeOffset finishedAt, int exitCode, string summaryJson)
    {
        lock (_gate)
        {
            using var command = Command("UPDATE runs SET finished_at = $finished, exit_code = $code, summary = $summary WHERE run_id = $id",
                ("$id", runId), ("$finished", finishedAt.ToString("O")), ("$code", exitCode), ("$summary", summaryJson));
            command.ExecuteNonQuery();
        }
    }

    /// <summary>The last runs, newest first.</summary>
    public List<RunRecord> Runs(int last)
    {
        lock (_gate)
        {
            using var command = Command("SELECT run_id, pipeline, started_at, finished_at, exit_code, summary FROM runs ORDER BY started_at DESC, run_id DESC LIMIT $last", ("$last", last));
            return ReadRuns(command);
        }
    }

    /// <summary>One run, or null.</summary>
    public RunRecord? Run(string runId)
    {
        lock (_gate)
        {
            using var command = Command("SELECT run_id, pipeline, started_at, finished_at, exit_code, summary FROM runs WHERE run_id = $id", ("$id", runId));
            return ReadRuns(command).SingleOrDefault();
        }
    }

    private static List<RunRecord> ReadRuns(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var result = new List<RunRecord>();
        while (reader.Read())
        {
            result.Add(new RunRecord(reader.GetString(0), reader.GetString(1), Time(reader.GetString(2)),
                reader.IsDBNull(3) ? null : Time(reader.GetString(3)), reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        return result;

        static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Copies what the write-ahead log holds into the database, on a connection and a thread of their own, holding up
    /// no one: closing the store then leaves only what was committed since to copy. A run starts it once its entities
    /// are done (closing the store after a million-row run took 10–12 ms, at its end, where nothing else runs).
    /// </summary>
    public Task CheckpointAsync() => Task.Factory.StartNew(() =>
    {
        try
        {
            using var connection = StateDatabase.Open(_dataRoot);
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            command.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // Nothing is lost: what the log holds is copied when the store closes.
        }
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

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

/// <summary>A run of the history: its summary JSON once it finished (null while running or when it was killed).</summary>
public sealed record RunRecord(string RunId, string Pipeline, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, int? ExitCode, string? SummaryJson);

/// <summary>A baseline change: the new canonical values of a key, or null when the key was deleted.</summary>
public readonly record struct BaselineChange(string Key, string? Values);

using Microsoft.Data.Sqlite;

namespace Etl.State;

/// <summary>
/// state/etl.db: the run history and the baselines (what the portal is believed to hold), in SQLite.
/// One connection, used under a lock: entities run in parallel but commit one at a time.
/// </summary>
public sealed class StateStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    private StateStore(SqliteConnection connection) => _connection = connection;

    /// <summary>Opens (and creates or upgrades) the state database of a data root.</summary>
    public static StateStore Open(string dataRoot)
    {
        var folder = Path.Combine(dataRoot, "state");
        Directory.CreateDirectory(folder);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(folder, "etl.db"),
            Pooling = false,
            DefaultTimeout = 60,
        }.ToString());
        connection.Open();
        var store = new StateStore(connection);
        store.Execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            CREATE TABLE IF NOT EXISTS baseline (
                entity TEXT NOT NULL, key TEXT NOT NULL, vals TEXT NOT NULL,
                PRIMARY KEY (entity, key)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS runs (
                run_id TEXT PRIMARY KEY, pipeline TEXT NOT NULL, started_at TEXT NOT NULL,
                finished_at TEXT, exit_code INTEGER, summary TEXT);
            """);
        return store;
    }

    /// <summary>Loads an entity's baseline: key → canonical portal values.</summary>
    public Dictionary<string, BaselineEntry> LoadBaseline(string entity)
    {
        lock (_gate)
        {
            var result = new Dictionary<string, BaselineEntry>(StringComparer.Ordinal);
            using var command = Command("SELECT key, vals FROM baseline WHERE entity = $entity", ("$entity", entity));
            using var reader = command.ExecuteReader();
            while (reader.Read()) result[reader.GetString(0)] = new BaselineEntry(reader.GetString(1));
            return result;
        }
    }

    /// <summary>Applies the records of one published payload to the baseline, in one transaction.</summary>
    public void ApplyToBaseline(string entity, IReadOnlyList<BaselineChange> changes)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var upsert = Command("INSERT INTO baseline (entity, key, vals) VALUES ($entity, $key, $vals) " +
                                       "ON CONFLICT (entity, key) DO UPDATE SET vals = excluded.vals",
                ("$entity", entity), ("$key", ""), ("$vals", ""));
            using var delete = Command("DELETE FROM baseline WHERE entity = $entity AND key = $key", ("$entity", entity), ("$key", ""));
            upsert.Transaction = delete.Transaction = transaction;
            foreach (var change in changes)
            {
                var command = change.Values is null ? delete : upsert;
                command.Parameters["$key"].Value = change.Key;
                if (change.Values is not null) upsert.Parameters["$vals"].Value = change.Values;
                command.ExecuteNonQuery();
            }
            transaction.Commit();
        }
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

/// <summary>What the portal is believed to hold for one key; <see cref="Seen"/> marks keys present in the current drop.</summary>
public sealed class BaselineEntry(string values)
{
    /// <summary>The canonical portal values.</summary>
    public string Values { get; } = values;

    /// <summary>Whether the current drop has a row with this key (valid or not).</summary>
    public bool Seen { get; set; }
}

/// <summary>A run of the history: its summary JSON once it finished (null while running or when it was killed).</summary>
public sealed record RunRecord(string RunId, string Pipeline, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, int? ExitCode, string? SummaryJson);

/// <summary>A baseline change: the new canonical values of a key, or null when the key was deleted.</summary>
public readonly record struct BaselineChange(string Key, string? Values);

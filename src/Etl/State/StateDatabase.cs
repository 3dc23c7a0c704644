using Microsoft.Data.Sqlite;

namespace Etl.State;

/// <summary>state/etl.db, which the state store and the order and delivery ledgers share: how a connection to it opens.</summary>
internal static class StateDatabase
{
    /// <summary>
    /// Opens a connection to a data root's state database, creating the folder and the database when missing, in WAL
    /// mode with full syncs. A database it creates gets 64 KiB pages: SQLite reads a blob page by page, and a
    /// million-key baseline (blobs of 4 MB, 60 MB in all) loaded in 40–50 ms instead of 65 ms, on the critical path of
    /// an intraday run. An existing database keeps the page size it has.
    /// </summary>
    public static SqliteConnection Open(string dataRoot)
    {
        var folder = Path.Combine(dataRoot, "state");
        Directory.CreateDirectory(folder);
        var connection = new SqliteConnection(ConnectionString(Path.Combine(folder, "etl.db")));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA page_size = 65536;
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            """;
        command.ExecuteNonQuery();
        return connection;
    }

    /// <summary>
    /// Opens and queries an in-memory database as <see cref="Open"/> opens the state database. The first connection
    /// of a process loads SQLite and the provider's code (15–25 ms); a run does that on another thread while it
    /// starts, so that opening the state database, on the way to the baseline load, does not have to.
    /// </summary>
    public static void WarmUp()
    {
        using var connection = new SqliteConnection(ConnectionString(":memory:"));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master";
        command.ExecuteScalar();
    }

    private static string ConnectionString(string dataSource) => new SqliteConnectionStringBuilder
    {
        DataSource = dataSource,
        Pooling = false,
        DefaultTimeout = 60,
    }.ToString();
}

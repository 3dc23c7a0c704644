using Microsoft.Data.Sqlite;

namespace Etl.EndToEnd.Tests.Support;

/// <summary>The embedded ERP of a data root, read and written with plain SQL as the ERP team would.</summary>
internal static class ErpFixture
{
    public static void Execute(string dataRoot, string sql)
    {
        using var connection = Open(dataRoot);
        using var command = connection.CreateCommand();
        command.CommandText = Erp.ErpDatabase.EmbeddedSchema + sql;
        command.ExecuteNonQuery();
    }

    public static List<string> Column(string dataRoot, string sql)
    {
        using var connection = Open(dataRoot);
        return Column(connection, sql);
    }

    /// <summary>The first column of a query on another SQLite file of a data root (state/etl.db, say), opened read-only.</summary>
    public static List<string> ColumnOfFile(string databaseFile, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={databaseFile};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return Column(connection, sql);
    }

    private static List<string> Column(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var result = new List<string>();
        while (reader.Read()) result.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        return result;
    }

    private static SqliteConnection Open(string dataRoot)
    {
        Directory.CreateDirectory(dataRoot);
        var connection = new SqliteConnection($"Data Source={Path.Combine(dataRoot, "erp.db")};Pooling=False");
        connection.Open();
        return connection;
    }
}

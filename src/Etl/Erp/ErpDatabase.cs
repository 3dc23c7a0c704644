using System.Data.Common;
using Etl.Configuration;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace Etl.Erp;

/// <summary>
/// The ERP database behind one ADO.NET code path: the embedded SQLite ERP (created with the contract's schema on
/// first use) or SQL Server through Microsoft.Data.SqlClient.
/// </summary>
public sealed class ErpDatabase(ErpSettings settings, string dataRoot)
{
    /// <summary>The contract's integration tables, as the embedded ERP creates them.</summary>
    public const string EmbeddedSchema = """
        CREATE TABLE IF NOT EXISTS customers(customer_no TEXT PRIMARY KEY, name TEXT, portal_account_id TEXT UNIQUE NULL,
            approved INTEGER, price_list TEXT, discount_group TEXT);
        CREATE TABLE IF NOT EXISTS items(sku TEXT PRIMARY KEY, description TEXT, uom TEXT, product_class TEXT,
            weight_kg NUMERIC, active INTEGER);
        CREATE TABLE IF NOT EXISTS sales_orders(erp_order_no TEXT PRIMARY KEY, customer_no TEXT, customer_po TEXT,
            portal_order_id TEXT UNIQUE NULL, status TEXT, currency TEXT, order_date TEXT, total NUMERIC, source TEXT);
        CREATE TABLE IF NOT EXISTS sales_order_lines(erp_order_no TEXT, line_no INTEGER, sku TEXT, qty INTEGER,
            unit_price NUMERIC, PRIMARY KEY(erp_order_no, line_no));
        """;

    /// <summary>Whether this is the embedded SQLite ERP.</summary>
    public bool IsEmbedded => settings.Provider == "sqlite";

    /// <summary>Where the embedded ERP lives by default.</summary>
    public string EmbeddedPath => Path.Combine(dataRoot, "erp.db");

    /// <summary>Opens a connection; the embedded ERP gets its schema when absent.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        DbConnection connection = IsEmbedded
            ? new SqliteConnection(string.IsNullOrWhiteSpace(settings.ConnectionString)
                ? new SqliteConnectionStringBuilder { DataSource = EmbeddedPath, Pooling = false }.ToString()
                : settings.ConnectionString)
            : new SqlConnection(settings.ConnectionString);
        try
        {
            if (IsEmbedded) Directory.CreateDirectory(dataRoot);
            await connection.OpenAsync(cancellationToken);
            if (IsEmbedded)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = EmbeddedSchema;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The provider and database without credentials, for messages.</summary>
    public string Describe() => IsEmbedded
        ? "embedded ERP " + (string.IsNullOrWhiteSpace(settings.ConnectionString) ? EmbeddedPath : new SqliteConnectionStringBuilder(settings.ConnectionString).DataSource)
        : "SQL Server database " + SafeDatabaseName();

    private string SafeDatabaseName()
    {
        try
        {
            var builder = new SqlConnectionStringBuilder(settings.ConnectionString);
            return $"{builder.InitialCatalog} on {builder.DataSource}";
        }
        catch (ArgumentException)
        {
            return "(connection string not readable)";
        }
    }
}

using System.Globalization;
using System.Text.Json;
using DuckDB.NET.Data;

namespace Etl.Benchmarks;

/// <summary>
/// The DuckDB side of the outbound benchmark, run as a child process of the benchmark itself
/// (<c>Etl.Benchmarks.dll duckdb-worker ...</c>) so that it is measured like etl: start-up included.
/// <para>
/// <c>snapshot --csv F --parquet P</c>: the drop as a typed Parquet snapshot (what the baseline run leaves).
/// <c>diff --csv F --previous P0 --parquet P --changes J</c>: the same snapshot of the new drop, then a full outer
/// join on (sku, warehouse) with the previous snapshot's valid rows, and the changes written as JSON (one object per
/// line: upserts for new keys and valid rows whose qty_available moved, deletes for keys the new drop lacks).
/// </para>
/// <para>
/// The snapshot does what the pipeline's does: every field trimmed and converted (TRY_CAST), an is_valid flag that
/// is false for a value that does not convert, a negative quantity, qty_available != qty_on_hand - qty_allocated,
/// an empty or too long key, or a key that occurs more than once in the drop; Parquet with 131,072 rows per row
/// group and the compression given (default Snappy, as the pipeline's snapshots). DuckDB runs with its defaults:
/// an in-memory database, one thread per core.
/// </para>
/// </summary>
internal static class DuckDbWorker
{
    public static int Run(Options options)
    {
        if (options.Positional.Count != 1) throw new UsageException("duckdb-worker needs one of: snapshot, diff.");
        var compression = (options.String("--compression") ?? "snappy").ToLowerInvariant();
        if (compression is not ("snappy" or "zstd")) throw new UsageException("--compression must be snappy or zstd.");
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        switch (options.Positional[0])
        {
            case "snapshot":
            {
                options.Only("--csv", "--parquet", "--compression");
                var rows = WriteSnapshot(connection, options.Required("--csv"), options.Required("--parquet"), compression);
                Console.WriteLine(JsonSerializer.Serialize(new { rows }));
                return 0;
            }
            case "diff":
            {
                options.Only("--csv", "--previous", "--parquet", "--changes", "--compression");
                var parquet = options.Required("--parquet");
                var rows = WriteSnapshot(connection, options.Required("--csv"), parquet, compression);
                var changes = WriteChanges(connection, options.Required("--previous"), parquet, options.Required("--changes"));
                Console.WriteLine(JsonSerializer.Serialize(new { rows, changes }));
                return 0;
            }
            default:
                throw new UsageException($"duckdb-worker: unknown verb '{options.Positional[0]}'.");
        }
    }

    /// <summary>How many upserts and deletes a changes file holds (read back untimed, by the parent).</summary>
    public static (long Upserts, long Deletes) CountChanges(string changesFile)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT count(*) FILTER (WHERE op = 'upsert'), count(*) FILTER (WHERE op = 'delete')
            FROM read_json({Literal(changesFile)}, format = 'newline_delimited',
                columns = {"{"}'op': 'VARCHAR', 'sku': 'VARCHAR', 'warehouse': 'VARCHAR', 'qty_available': 'BIGINT'{"}"})
            """;
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static long WriteSnapshot(DuckDBConnection connection, string csv, string parquet, string compression)
    {
        const string Quantity = "TRY_CAST(trim({0}) AS BIGINT)";
        string Q(string column) => string.Format(CultureInfo.InvariantCulture, Quantity, column);
        var sql = $"""
            COPY (
                WITH raw AS (
                    SELECT * FROM read_csv({Literal(csv)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
                        columns = {"{"}'sku': 'VARCHAR', 'warehouse': 'VARCHAR', 'qty_available': 'VARCHAR',
                                   'qty_on_hand': 'VARCHAR', 'qty_allocated': 'VARCHAR'{"}"})
                ),
                typed AS (
                    SELECT trim(sku) AS sku, trim(warehouse) AS warehouse,
                        {Q("qty_available")} AS qty_available, {Q("qty_on_hand")} AS qty_on_hand, {Q("qty_allocated")} AS qty_allocated,
                        (nullif(trim(qty_available), '') IS NULL OR {Q("qty_available")} IS NOT NULL)
                            AND (nullif(trim(qty_on_hand), '') IS NULL OR {Q("qty_on_hand")} IS NOT NULL)
                            AND (nullif(trim(qty_allocated), '') IS NULL OR {Q("qty_allocated")} IS NOT NULL) AS converted
                    FROM raw
                )
                SELECT sku, warehouse, qty_available, qty_on_hand, qty_allocated,
                    coalesce(converted
                        AND length(sku) BETWEEN 1 AND 40 AND length(warehouse) BETWEEN 1 AND 40
                        AND qty_available IS NOT NULL AND qty_available >= 0
                        AND coalesce(qty_on_hand, 0) >= 0 AND coalesce(qty_allocated, 0) >= 0
                        AND (qty_on_hand IS NULL OR qty_allocated IS NULL OR qty_available = qty_on_hand - qty_allocated)
                        AND count(*) OVER (PARTITION BY sku, warehouse) = 1, false) AS is_valid
                FROM typed
            ) TO {Literal(parquet)} (FORMAT parquet, COMPRESSION {compression}, ROW_GROUP_SIZE 131072)
            """;
        return Execute(connection, sql);
    }

    private static long WriteChanges(DuckDBConnection connection, string previous, string current, string changes)
    {
        var sql = $"""
            COPY (
                SELECT CASE WHEN n.sku IS NULL THEN 'delete' ELSE 'upsert' END AS op,
                    coalesce(n.sku, p.sku) AS sku, coalesce(n.warehouse, p.warehouse) AS warehouse,
                    n.qty_available AS qty_available
                FROM (SELECT sku, warehouse, qty_available FROM read_parquet({Literal(previous)}) WHERE is_valid) AS p
                FULL OUTER JOIN (SELECT sku, warehouse, qty_available, is_valid FROM read_parquet({Literal(current)})) AS n
                    ON p.sku = n.sku AND p.warehouse = n.warehouse
                WHERE n.sku IS NULL OR (n.is_valid AND (p.sku IS NULL OR p.qty_available <> n.qty_available))
            ) TO {Literal(changes)} (FORMAT json)
            """;
        return Execute(connection, sql);
    }

    private static long Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        return reader.Read() ? Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture) : 0;
    }

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}

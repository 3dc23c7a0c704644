using DuckDB.NET.Data;
using Etl.EndToEnd.Tests.Support;

namespace Etl.EndToEnd.Tests;

/// <summary>The Parquet snapshots, read the way analysts do: with DuckDB and the README's query.</summary>
[TestFixture]
public sealed class SnapshotFileTests
{
    [Test]
    public void Snapshots_AfterTheDemo_AreReadByDuckDbWithTypedColumns()
    {
        using var root = new DataRoot();
        var result = EtlCommand.Run("demo", "--data-root", root.Path);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var glob = Path.Combine(root.Path, "snapshots", "inventory", "date=*", "*.parquet");

        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        using var types = duck.CreateCommand();
        types.CommandText = $"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{glob}', hive_partitioning = true))";
        var columns = new Dictionary<string, string>();
        using (var reader = types.ExecuteReader())
        {
            while (reader.Read()) columns[reader.GetString(0)] = reader.GetString(1);
        }
        Assert.That(columns, Does.ContainKey("sku").WithValue("VARCHAR"));
        Assert.That(columns, Does.ContainKey("qty_available").WithValue("BIGINT"));
        Assert.That(columns, Does.ContainKey("is_valid").WithValue("BOOLEAN"));

        using var query = duck.CreateCommand();
        query.CommandText = $"""
            SELECT count(*) FILTER (WHERE is_valid), count(*) FILTER (WHERE NOT is_valid)
            FROM read_parquet('{glob}', hive_partitioning = true)
            """;
        using var counts = query.ExecuteReader();
        Assert.That(counts.Read(), Is.True);
        Assert.That((counts.GetInt64(0), counts.GetInt64(1)), Is.EqualTo((23L, 1L)), "sample day 1: 23 valid inventory rows and one invalid");
    }

    [Test]
    public void Snapshots_PriceAndDateColumns_AreDecimalAndDate()
    {
        using var root = new DataRoot();
        Assert.That(EtlCommand.Run("demo", "--data-root", root.Path).ExitCode, Is.EqualTo(0));
        var file = Directory.GetFiles(Path.Combine(root.Path, "snapshots", "list_prices"), "*.parquet", SearchOption.AllDirectories).Single();

        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        using var command = duck.CreateCommand();
        command.CommandText = $"SELECT typeof(list_price), typeof(effective_date) FROM read_parquet('{file}') LIMIT 1";
        using var reader = command.ExecuteReader();
        Assert.That(reader.Read(), Is.True);
        Assert.That((reader.GetString(0), reader.GetString(1)), Is.EqualTo(("DECIMAL(18,4)", "DATE")));
    }
}

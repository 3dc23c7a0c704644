using System.Data.Common;
using System.Globalization;

namespace Etl.Erp;

/// <summary>
/// The order import's reads and writes of the ERP, batched: one query per chunk of a page's ids, never one per
/// order; a page's writes in one transaction (ErpGateway.Writes.cs). The same ADO.NET code serves the embedded
/// SQLite ERP and SQL Server.
/// </summary>
public sealed partial class ErpGateway(DbConnection connection, ErpSql sql, string orderNumberPrefix) : IAsyncDisposable
{
    private long _readQueries;

    /// <summary>The read queries sent so far (lookups; one per chunk of keys, never one per order).</summary>
    public long ReadQueries => Interlocked.Read(ref _readQueries);

    /// <summary>Opens the gateway on an ERP database.</summary>
    public static async Task<ErpGateway> OpenAsync(ErpDatabase database, string orderNumberPrefix, CancellationToken cancellationToken) =>
        new(await database.OpenAsync(cancellationToken), new ErpSql(!database.IsEmbedded), orderNumberPrefix);

    /// <summary>Customers by portal account id.</summary>
    public async Task<Dictionary<string, ErpCustomer>> CustomersByAccountAsync(IEnumerable<string> accounts, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, ErpCustomer>(StringComparer.Ordinal);
        await foreach (var row in QueryChunksAsync(accounts, sql.CustomersByAccount, cancellationToken))
        {
            var customer = new ErpCustomer(row.GetString(0), row.GetString(1), Convert.ToInt64(row.GetValue(2), CultureInfo.InvariantCulture) == 1);
            result[customer.PortalAccountId] = customer;
        }
        return result;
    }

    /// <summary>The SKUs among these that the ERP's items know.</summary>
    public async Task<HashSet<string>> ExistingItemsAsync(IEnumerable<string> skus, CancellationToken cancellationToken)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in QueryChunksAsync(skus, sql.ExistingItems, cancellationToken)) result.Add(row.GetString(0));
        return result;
    }

    /// <summary>Orders carrying these portal order ids, with lines.</summary>
    public Task<List<ErpOrder>> OrdersByPortalIdAsync(IEnumerable<string> portalIds, CancellationToken cancellationToken) =>
        OrdersAsync(portalIds, sql.OrdersByPortalId, cancellationToken);

    /// <summary>Orders with these numbers, with lines.</summary>
    public Task<List<ErpOrder>> OrdersByNumberAsync(IEnumerable<string> numbers, CancellationToken cancellationToken) =>
        OrdersAsync(numbers, sql.OrdersByNumber, cancellationToken);

    /// <summary>Orders without a portal reference whose customer PO is one of these, with lines.</summary>
    public Task<List<ErpOrder>> UnlinkedOrdersByPoAsync(IEnumerable<string> purchaseOrders, CancellationToken cancellationToken) =>
        OrdersAsync(purchaseOrders, sql.UnlinkedOrdersByPo, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => connection.DisposeAsync();

    private async Task<List<ErpOrder>> OrdersAsync(IEnumerable<string> keys, Func<int, string> text, CancellationToken cancellationToken)
    {
        var headers = new List<(string No, string? Customer, string? Po, string? Portal, string? Status)>();
        await foreach (var row in QueryChunksAsync(keys, text, cancellationToken))
        {
            headers.Add((row.GetString(0), Text(row, 1), Text(row, 2), Text(row, 3), Text(row, 4)));
        }
        var lines = new Dictionary<string, List<ErpOrderLine>>(StringComparer.Ordinal);
        await foreach (var row in QueryChunksAsync(headers.Select(h => h.No), sql.LinesOf, cancellationToken))
        {
            var no = row.GetString(0);
            if (!lines.TryGetValue(no, out var list)) lines[no] = list = [];
            list.Add(new ErpOrderLine(Convert.ToInt32(row.GetValue(1), CultureInfo.InvariantCulture), row.GetString(2),
                Convert.ToInt64(row.GetValue(3), CultureInfo.InvariantCulture), Convert.ToDecimal(row.GetValue(4), CultureInfo.InvariantCulture)));
        }
        return [.. headers.Select(h => new ErpOrder(h.No, h.Customer, h.Po, h.Portal, h.Status, lines.GetValueOrDefault(h.No) ?? []))];
    }

    private IAsyncEnumerable<DbDataReader> QueryChunksAsync(IEnumerable<string> keys, Func<int, string> text, CancellationToken cancellationToken) =>
        QueryChunksAsync(keys, text, null, cancellationToken);

    // Outside a transaction these are the lookups, counted in ReadQueries; inside one they belong to a write.
    private async IAsyncEnumerable<DbDataReader> QueryChunksAsync(IEnumerable<string> keys, Func<int, string> text, DbTransaction? transaction,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var chunk in keys.Distinct(StringComparer.Ordinal).Chunk(ErpSql.ChunkSize))
        {
            await using var command = Command(text(chunk.Length), [.. chunk.Select((k, i) => ("@p" + i, (object?)k))]);
            command.Transaction = transaction;
            if (transaction is null) Interlocked.Increment(ref _readQueries);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) yield return reader;
        }
    }

    private static string? Text(DbDataReader row, int index) => row.IsDBNull(index) ? null : Convert.ToString(row.GetValue(index), CultureInfo.InvariantCulture);

    private DbCommand Command(string text, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = text;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}

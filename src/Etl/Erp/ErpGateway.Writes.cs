using System.Data.Common;
using System.Globalization;

namespace Etl.Erp;

/// <summary>The order import's writes: creates and links of a page in one transaction (group commit).</summary>
public sealed partial class ErpGateway
{
    private long _transactions;

    /// <summary>The write transactions begun so far (committed or rolled back).</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>
    /// Applies the writes in one transaction, in order, and commits: when this returns, every write it reports done
    /// is durable. Each create first checks, inside the transaction, whether an ERP order carries its reference
    /// already (a crash healed, a race, the same order twice) and then returns that order instead of creating
    /// another. When one write fails, the whole transaction is rolled back (nothing of any of them stays) and each
    /// write is applied again in a transaction of its own, so that only the failing one fails.
    /// </summary>
    public async Task<IReadOnlyList<ErpWriteResult>> WriteAsync(IReadOnlyList<ErpWrite> writes, CancellationToken cancellationToken)
    {
        if (writes.Count == 0) return [];
        try
        {
            return await WriteInOneTransactionAsync(writes, cancellationToken);
        }
        catch (Exception e) when (e is DbException or FormatException)
        {
            if (writes.Count == 1) return [ErpWriteResult.Failed(e.Message)];
        }
        var results = new List<ErpWriteResult>(writes.Count);
        foreach (var write in writes) results.Add((await WriteAsync([write], cancellationToken))[0]);
        return results;
    }

    private async Task<ErpWriteResult[]> WriteInOneTransactionAsync(IReadOnlyList<ErpWrite> writes, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _transactions);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var references = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var row in QueryChunksAsync(writes.OfType<ErpCreate>().Select(c => c.PortalOrderId), sql.ReferencesOf, transaction, cancellationToken))
        {
            references[row.GetString(1)] = row.GetString(0);
        }
        await using var link = Prepared(transaction, sql.Link, "@portal", "@number");
        await using var header = Prepared(transaction, sql.InsertOrder, "@number", "@customer", "@po", "@portal", "@currency", "@date", "@total");
        await using var line = Prepared(transaction, sql.InsertLine, "@number", "@line", "@sku", "@qty", "@price");
        int? sequence = null;
        var results = new ErpWriteResult[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            switch (writes[i])
            {
                case ErpLink toLink:
                    var linked = await ExecuteAsync(link, cancellationToken, toLink.PortalOrderId, toLink.ErpOrderNo) == 1;
                    results[i] = new ErpWriteResult(linked, toLink.ErpOrderNo, false, null);
                    break;
                case ErpCreate c when references.TryGetValue(c.PortalOrderId, out var existing):
                    results[i] = new ErpWriteResult(true, existing, false, null);
                    break;
                case ErpCreate c:
                    sequence ??= await HighestSequenceAsync(transaction, cancellationToken);
                    var number = orderNumberPrefix + (++sequence).Value.ToString("D6", CultureInfo.InvariantCulture);
                    var order = c.Order;
                    await ExecuteAsync(header, cancellationToken, number, order.CustomerNo, order.CustomerPo, order.PortalOrderId, order.Currency,
                        order.OrderDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), order.Total);
                    foreach (var orderLine in order.Lines)
                    {
                        await ExecuteAsync(line, cancellationToken, number, orderLine.LineNo, orderLine.Sku, orderLine.Qty, orderLine.UnitPrice);
                    }
                    references[c.PortalOrderId] = number;
                    results[i] = new ErpWriteResult(true, number, true, null);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown ERP write {writes[i].GetType().Name}.");
            }
        }
        Testing.CrashPoints.Hit("orders.mid-erp-group");
        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    // The highest number is read once per transaction and counted on from there: on SQL Server its range stays
    // locked (UPDLOCK, HOLDLOCK) until the commit, and SQLite lets one writer at a time commit.
    private async Task<int> HighestSequenceAsync(DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var highest = Command(sql.HighestNumber, ("@prefix", orderNumberPrefix));
        highest.Transaction = transaction;
        var max = await highest.ExecuteScalarAsync(cancellationToken) as string;
        return max is null ? 0 : int.Parse(max[orderNumberPrefix.Length..], CultureInfo.InvariantCulture);
    }

    private DbCommand Prepared(DbTransaction transaction, string text, params string[] names)
    {
        var command = Command(text, [.. names.Select(n => (n, (object?)null))]);
        command.Transaction = transaction;
        return command;
    }

    private static Task<int> ExecuteAsync(DbCommand command, CancellationToken cancellationToken, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
        return command.ExecuteNonQueryAsync(cancellationToken);
    }
}

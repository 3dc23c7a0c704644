using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Etl.Support;

/// <summary>
/// Read-only look-ups in state/etl.db for the support trail: one order's trail, review entry and parked back-update,
/// and what the delivery ledger last delivered for one record. Writes nothing and creates nothing: tables a data root
/// does not have yet read as empty.
/// </summary>
internal sealed class LedgerReader : IDisposable
{
    private readonly SqliteConnection? _connection;

    private LedgerReader(SqliteConnection? connection) => _connection = connection;

    /// <summary>Opens state/etl.db of a data root read-only; a data root without one reads as empty.</summary>
    public static LedgerReader Open(string dataRoot)
    {
        var file = Path.Combine(dataRoot, "state", "etl.db");
        if (!File.Exists(file)) return new LedgerReader(null);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 60,
        }.ToString());
        connection.Open();
        return new LedgerReader(connection);
    }

    /// <summary>Every trail entry of a portal order, oldest first.</summary>
    public List<OrderTrailEntry> Trail(string portalOrderId) =>
        Query("SELECT run_id, decision, detail, at FROM order_trail WHERE portal_order_id = $id ORDER BY at, id", r =>
            new OrderTrailEntry(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), Time(r.GetString(3))), ("$id", portalOrderId));

    /// <summary>Whether the trail knows a portal order.</summary>
    public bool HasTrail(string portalOrderId) =>
        Query("SELECT 1 FROM order_trail WHERE portal_order_id = $id LIMIT 1", _ => true, ("$id", portalOrderId)).Count > 0;

    /// <summary>The review entry of a portal order, or null.</summary>
    public ReviewInfo? Review(string portalOrderId) =>
        Query("SELECT portal_order_id, reason, detail, erp_order_no, run_id, held_at FROM order_review WHERE portal_order_id = $id", ReadReview, ("$id", portalOrderId))
            .SingleOrDefault();

    /// <summary>Review entries that name an ERP order (an ambiguous match, an ERP order taken meanwhile).</summary>
    public List<ReviewInfo> ReviewsNaming(string erpOrderNo) =>
        Query("SELECT portal_order_id, reason, detail, erp_order_no, run_id, held_at FROM order_review WHERE erp_order_no = $erp ORDER BY held_at", ReadReview, ("$erp", erpOrderNo));

    /// <summary>The parked back-update of a portal order, or null.</summary>
    public ParkedBackUpdate? Parked(string portalOrderId) =>
        Query("SELECT portal_order_id, erp_order_no, attempts, last_error, since FROM order_backupdates WHERE portal_order_id = $id", ReadParked, ("$id", portalOrderId))
            .SingleOrDefault();

    /// <summary>Parked back-updates of an ERP order number.</summary>
    public List<ParkedBackUpdate> ParkedFor(string erpOrderNo) =>
        Query("SELECT portal_order_id, erp_order_no, attempts, last_error, since FROM order_backupdates WHERE erp_order_no = $erp", ReadParked, ("$erp", erpOrderNo));

    /// <summary>The newest delivery of one record to a portal, as the delivery ledger keeps it, or null.</summary>
    public LedgerDelivery? LastDelivery(string portal, string entity, string key) =>
        Query("SELECT batch_id, as_of FROM delivery_records WHERE portal = $portal AND entity = $entity AND key = $key",
            r => new LedgerDelivery(r.GetString(0), r.GetString(1)), ("$portal", portal), ("$entity", entity), ("$key", key)).SingleOrDefault();

    /// <inheritdoc />
    public void Dispose() => _connection?.Dispose();

    private static ReviewInfo ReadReview(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), Time(r.GetString(5)));

    private static ParkedBackUpdate ReadParked(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetString(3), Time(r.GetString(4)));

    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        var result = new List<T>();
        if (_connection is null) return result;
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        try
        {
            using var reader = command.ExecuteReader();
            while (reader.Read()) result.Add(read(reader));
        }
        catch (SqliteException e) when (e.Message.Contains("no such table", StringComparison.Ordinal))
        {
            // The component that owns the table has not run on this data root yet.
        }
        return result;
    }

    // The ledgers store round-trip UTC times; the trail shows them as the reports do.
    private static string Time(string text) =>
        RecordTrace.Utc(DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal));
}

/// <summary>One decision about an order: which run, what, why, when (UTC).</summary>
internal sealed record OrderTrailEntry(string RunId, string Decision, string? Detail, string At);

/// <summary>An order held for review: why, the ERP order involved, which run held it and when (UTC, Z).</summary>
internal sealed record ReviewInfo(string PortalOrderId, string Reason, string Detail, string? ErpOrderNo, string RunId, string HeldAt);

/// <summary>A back-update that failed and waits for a later run.</summary>
internal sealed record ParkedBackUpdate(string PortalOrderId, string ErpOrderNo, int Attempts, string LastError, string Since);

/// <summary>What the delivery ledger last delivered for a record: the batch and its as_of (UTC, to the second, with Z).</summary>
internal sealed record LedgerDelivery(string BatchId, string AsOf);

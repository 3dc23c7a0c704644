using System.ComponentModel.DataAnnotations;

namespace Etl.Configuration;

/// <summary>All settings of the engine (CONTRACTS.md section 1); defaults as stated there.</summary>
public sealed class EtlSettings
{
    /// <summary>The data root; default ./data.</summary>
    [Required] public string DataRoot { get; set; } = "./data";

    /// <summary>Drop pickup and guards.</summary>
    public DropSettings Drop { get; set; } = new();

    /// <summary>Outbound batching.</summary>
    public OutboundSettings Outbound { get; set; } = new();

    /// <summary>The portal.</summary>
    public PortalSettings Portal { get; set; } = new();

    /// <summary>The inbound order import.</summary>
    public OrdersSettings Orders { get; set; } = new();

    /// <summary>The ERP database.</summary>
    public ErpSettings Erp { get; set; } = new();

    /// <summary>How the log is written.</summary>
    public LogSettings Log { get; set; } = new();

    /// <summary>What etl prune keeps.</summary>
    public RetentionSettings Retention { get; set; } = new();
}

/// <summary>
/// What <c>etl prune</c> keeps. It never touches the newest snapshot of an entity, payloads waiting in outbox/,
/// outbox/failed/, drops in failed/, the baselines, the order checkpoint or the review queue.
/// </summary>
public sealed class RetentionSettings
{
    /// <summary>Snapshots kept per entity, newest first; default 30 (at least 1: the newest is never removed).</summary>
    [Range(1, 100_000)] public int Snapshots { get; set; } = 30;

    /// <summary>Days delivered payloads and their receipts stay in outbox/sent/; default 30.</summary>
    [Range(1, 36_500)] public int SentPayloads { get; set; } = 30;

    /// <summary>Days report folders (reports/&lt;run-id&gt;/) and their runs in the run history are kept; default 90.</summary>
    [Range(1, 36_500)] public int Reports { get; set; } = 90;

    /// <summary>Days taken drops stay in drop/erp/&lt;entity&gt;/processed/&lt;run-id&gt;/; default 30.</summary>
    [Range(1, 36_500)] public int ProcessedDrops { get; set; } = 30;

    /// <summary>Days of delivery ledger batches and order trail rows kept in state/etl.db; default 90.</summary>
    [Range(1, 36_500)] public int Ledger { get; set; } = 90;
}

/// <summary>The log's format.</summary>
public sealed class LogSettings
{
    /// <summary>plain (one line per event, the default) or json (one JSON object per line, for log shippers).</summary>
    [RegularExpression("^(plain|json)$", ErrorMessage = "must be plain or json")]
    public string Format { get; set; } = "plain";
}

/// <summary>Drop pickup and the guards that protect the portal from bad drops.</summary>
public sealed class DropSettings
{
    /// <summary>A drop's last write must be this old before it is taken; default 00:00:02.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")] public TimeSpan SettleTime { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A file with more than this percent of invalid rows (and at least <see cref="MinBadRowsToFail"/>) fails; default 1.</summary>
    [Range(typeof(decimal), "0", "100")] public decimal MaxBadRowPercent { get; set; } = 1;

    /// <summary>See <see cref="MaxBadRowPercent"/>; default 10.</summary>
    [Range(0, int.MaxValue)] public int MinBadRowsToFail { get; set; } = 10;

    /// <summary>A drop removing more than this percent of the portal's records (and at least <see cref="MinRemovedToStop"/>) stops; default 20.</summary>
    [Range(typeof(decimal), "0", "100")] public decimal MaxRemovedPercent { get; set; } = 20;

    /// <summary>See <see cref="MaxRemovedPercent"/>; default 10.</summary>
    [Range(0, int.MaxValue)] public int MinRemovedToStop { get; set; } = 10;
}

/// <summary>Outbound batching.</summary>
public sealed class OutboundSettings
{
    /// <summary>Records per payload file; default 1000.</summary>
    [Range(1, 1_000_000)] public int BatchSize { get; set; } = 1000;
}

/// <summary>The portal the engine talks to.</summary>
public sealed class PortalSettings
{
    /// <summary>The portal's base URL; empty means the sandbox, hosted in-process.</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>The bearer key; never logged.</summary>
    public string ApiKey { get; set; } = "sandbox-key";

    /// <summary>The portal's IANA time zone; default UTC.</summary>
    [Required] public string TimeZone { get; set; } = "UTC";

    /// <summary>Per call; default 00:00:30.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")] public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts per call; default 6.</summary>
    [Range(1, 100)] public int MaxAttempts { get; set; } = 6;

    /// <summary>Calls per second this engine allows itself against the portal (one shared token bucket); default 20.</summary>
    [Range(1, 10_000)] public int RequestsPerSecond { get; set; } = 20;

    /// <summary>The longest wait between attempts; a server's Retry-After is clamped to it. Default 00:00:30.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")] public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>The pull window of the order import.</summary>
public sealed class OrdersSettings
{
    /// <summary>The overlap before the checkpoint; default 00:15:00.</summary>
    public TimeSpan Lookback { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How far behind now the window ends; default 00:01:00.</summary>
    public TimeSpan SettleLag { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Where a first run starts; default 7 days.</summary>
    public TimeSpan InitialLookback { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Comma-separated statuses to import; default ACKNOWLEDGED.</summary>
    [Required] public string ImportStatuses { get; set; } = "ACKNOWLEDGED";
}

/// <summary>The ERP database.</summary>
public sealed class ErpSettings
{
    /// <summary>sqlite (the embedded ERP) or sqlserver.</summary>
    [RegularExpression("^(sqlite|sqlserver)$", ErrorMessage = "must be sqlite or sqlserver")]
    public string Provider { get; set; } = "sqlite";

    /// <summary>Empty means Data Source=&lt;data-root&gt;/erp.db for sqlite.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Prefix of the order numbers the integration creates in the embedded ERP; default WEB-.</summary>
    public string OrderNumberPrefix { get; set; } = "WEB-";
}

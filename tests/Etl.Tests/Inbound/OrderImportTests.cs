using Etl.Configuration;
using Etl.Erp;
using Etl.Inbound;
using Etl.Inbound.Match;
using Etl.Inbound.Pull;
using Etl.Inbound.Window;
using Etl.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace Etl.Tests.Inbound;

/// <summary>
/// The mirror graph with a scripted portal, for what a real portal cannot be made to do on cue: a 409 on a
/// back-update, a back-update that fails, an order that changes between two pages of one pull.
/// </summary>
[TestFixture]
public sealed class OrderImportTests
{
    private string _root = null!;
    private ErpGateway _erp = null!;
    private OrderLedger _ledger = null!;
    private static readonly PullWindow Window = PullWindow.Between(DateTimeOffset.Parse("2026-11-30T00:00:00Z"), DateTimeOffset.Parse("2026-11-30T12:00:00Z"), TimeZoneInfo.Utc);

    [SetUp]
    public async Task SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "etl-import-" + Guid.NewGuid().ToString("N")[..8]);
        _erp = await ErpGateway.OpenAsync(new ErpDatabase(new ErpSettings(), _root), "WEB-", CancellationToken.None);
        _ledger = OrderLedger.Open(_root);
        await using var connection = await new ErpDatabase(new ErpSettings(), _root).OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO customers VALUES ('C-1', 'Acme', 'ACC-1', 1, NULL, NULL); INSERT INTO items VALUES ('A-1', 'Valve', 'EA', 'V', 1, 1);";
        await command.ExecuteNonQueryAsync();
    }

    [TearDown]
    public async Task TearDown()
    {
        _ledger.Dispose();
        await _erp.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private static PortalOrder Order(string id, string status = "ACKNOWLEDGED", string updatedAt = "2026-11-30T08:00:00") => new()
    {
        Id = id, AccountId = "ACC-1", CustomerPo = "PO-" + id, Status = status, Currency = "EUR", CreatedAt = "2026-11-30T08:00:00", UpdatedAt = updatedAt,
        Lines = [new PortalOrderLine { LineNo = 1, Sku = "A-1", Qty = 1, UnitPrice = 2 }],
    };

    private Task<OrderImportResult> ImportAsync(ScriptedPortal portal, string runId = "run-1") =>
        new OrderImport(portal, _erp, _ledger, new OrderDecider(new HashSet<string> { "ACKNOWLEDGED" }), TimeProvider.System, NullLogger.Instance)
            .RunAsync(runId, Window, CancellationToken.None);

    [Test]
    public async Task RunAsync_BackUpdateConflict_HoldsTheOrderForReview()
    {
        var portal = new ScriptedPortal([[Order("P-1")]]) { Answer = _ => new BackUpdateOutcome(false, true, "409") };

        var result = await ImportAsync(portal);

        Assert.That((result.Counts.Created, result.Counts.Review, result.Counts.BackUpdated), Is.EqualTo((0, 1, 0)), "the last decision counts");
        Assert.That(_ledger.ReviewQueue().Single(), Has.Property("Reason").EqualTo("back_update_conflict"));
        Assert.That(_ledger.Checkpoint, Is.EqualTo(Window.ToUtc), "a held order does not hold the checkpoint back");
    }

    [Test]
    public async Task RunAsync_BackUpdateFails_ParksItAndALaterRunRetriesItOutsideItsWindow()
    {
        var failing = new ScriptedPortal([[Order("P-1")]]) { Answer = _ => new BackUpdateOutcome(false, false, "503 after 6 attempts") };
        var first = await ImportAsync(failing);
        Assert.That((first.Counts.Created, first.Counts.Failed), Is.EqualTo((0, 1)));
        Assert.That(first.HasFailures, Is.True, "exit 3");
        Assert.That(_ledger.ParkedBackUpdates(), Has.Count.EqualTo(1));

        var healthy = new ScriptedPortal([[]]);
        var second = await ImportAsync(healthy, "run-2");

        Assert.That(healthy.BackUpdates, Is.EqualTo(new[] { ("P-1", "WEB-000001") }));
        Assert.That((second.Counts.BackUpdated, second.Counts.Failed), Is.EqualTo((1, 0)));
        Assert.That(_ledger.ParkedBackUpdates(), Is.Empty);
    }

    [Test]
    public async Task RunAsync_OrderChangedBetweenTwoPages_IsDecidedOnItsNewestVersionAndCountedOnce()
    {
        var portal = new ScriptedPortal([[Order("P-1", status: "NEW")], [Order("P-1", updatedAt: "2026-11-30T08:05:00")]]);

        var result = await ImportAsync(portal);

        Assert.That((result.Counts.Pulled, result.Counts.SkippedStatus, result.Counts.Created), Is.EqualTo((1, 0, 1)));
    }

    [Test]
    public async Task RunAsync_PullFails_KeepsTheCheckpointButKeepsWhatWasDone()
    {
        var portal = new ScriptedPortal([[Order("P-1")]]) { FailAfterPages = 1 };

        var result = await ImportAsync(portal);

        Assert.That(result.PullFailure, Is.Not.Null);
        Assert.That(_ledger.Checkpoint, Is.Null);
        Assert.That(result.Counts.Created, Is.EqualTo(1), "the first page was imported; a re-read finds it linked");
    }

    [Test]
    public async Task RunAsync_ThreePages_BackUpdatesEachOrderOnceAndOnlyOnceItsErpOrderIsCommitted()
    {
        var pages = Enumerable.Range(0, 3).Select(p => Enumerable.Range(0, OrderImport.PageSize).Select(i => Order($"P-{p}{i:D3}")).ToList()).ToList();
        var uncommitted = new List<string>();
        var portal = new ScriptedPortal(pages)
        {
            // Another connection sees only committed rows: the ERP order must be there, under this number, when the portal hears of it.
            OnBackUpdate = (id, number) =>
            {
                if (CommittedErpOrderOf(id) != number) lock (uncommitted) uncommitted.Add(id);
            },
        };

        var result = await ImportAsync(portal);

        Assert.That((result.Counts.Created, result.Counts.BackUpdated, result.Counts.Failed), Is.EqualTo((300, 300, 0)));
        Assert.That(portal.BackUpdates.Select(b => b.Item1), Is.EquivalentTo(pages.SelectMany(p => p).Select(o => o.Id)), "each order exactly once");
        Assert.That(uncommitted, Is.Empty, "no back-update before its ERP order was committed");
        Assert.That(_ledger.Checkpoint, Is.EqualTo(Window.ToUtc));
        var timings = result.Timings!;
        Assert.That((timings.Pull.Count, timings.BackUpdates.Count, timings.Http.Count, timings.ErpTransactions), Is.EqualTo((3, 300, 303, 3)), "one transaction per page");
        Assert.That(timings.LookupQueries, Is.InRange(3, 3 * 8), "a few lookup queries per page, not one per order");
    }

    [Test]
    public async Task RunAsync_AnOrderOfAPageCannotBeWritten_OnlyItFailsAndTheCheckpointStays()
    {
        var broken = Order("P-2") with { Lines = [new PortalOrderLine { LineNo = 1, Sku = "A-1", Qty = 1, UnitPrice = 2 }, new PortalOrderLine { LineNo = 1, Sku = "A-1", Qty = 2, UnitPrice = 2 }] };
        var portal = new ScriptedPortal([[Order("P-1"), broken, Order("P-3")]]);

        var result = await ImportAsync(portal);

        Assert.That((result.Counts.Created, result.Counts.Failed, result.Counts.BackUpdated), Is.EqualTo((2, 1, 2)));
        Assert.That(portal.BackUpdates.Select(b => b.Item1), Is.EquivalentTo(new[] { "P-1", "P-3" }));
        Assert.That(CommittedErpOrderOf("P-2"), Is.Null, "nothing of the broken order");
        Assert.That(_ledger.Checkpoint, Is.Null, "the window is read again by the next run");
    }

    private string? CommittedErpOrderOf(string portalOrderId)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_root, "erp.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT erp_order_no FROM sales_orders WHERE portal_order_id = $id";
        command.Parameters.AddWithValue("$id", portalOrderId);
        return command.ExecuteScalar() as string;
    }

    private sealed class ScriptedPortal(List<List<PortalOrder>> pages) : IPortalOrders
    {
        public Func<string, BackUpdateOutcome> Answer { get; init; } = _ => BackUpdateOutcome.Ok;

        public Action<string, string>? OnBackUpdate { get; init; }

        public int FailAfterPages { get; init; } = int.MaxValue;

        public List<(string, string)> BackUpdates { get; } = [];

        public Task<PortalOrderPage> ListAsync(PullWindow window, string? cursor, int limit, CancellationToken cancellationToken)
        {
            var index = cursor is null ? 0 : int.Parse(cursor, System.Globalization.CultureInfo.InvariantCulture);
            if (index >= FailAfterPages) throw new PullFailedException("503 after 6 attempts");
            var more = index + 1 < pages.Count || FailAfterPages != int.MaxValue;
            var next = more ? (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            return Task.FromResult(new PortalOrderPage { Orders = index < pages.Count ? pages[index] : [], NextCursor = next });
        }

        public Task<BackUpdateOutcome> SetErpReferenceAsync(string portalOrderId, string erpOrderNo, CancellationToken cancellationToken)
        {
            OnBackUpdate?.Invoke(portalOrderId, erpOrderNo);
            lock (BackUpdates) BackUpdates.Add((portalOrderId, erpOrderNo));
            return Task.FromResult(Answer(portalOrderId));
        }
    }
}

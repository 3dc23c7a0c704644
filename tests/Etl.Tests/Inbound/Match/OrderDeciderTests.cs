using Etl.Erp;
using Etl.Inbound;
using Etl.Inbound.Match;

namespace Etl.Tests.Inbound.Match;

/// <summary>The decision list of CONTRACTS.md section 5, one path per test.</summary>
[TestFixture]
public sealed class OrderDeciderTests
{
    private static readonly OrderDecider Decider = new(new HashSet<string> { "ACKNOWLEDGED" });
    private static readonly ErpOrderLine Line = new(1, "A-1", 2, 5m);

    private static PortalOrder Order(string status = "ACKNOWLEDGED", string? erpNo = null, string? po = "PO-1", string account = "ACC-1", decimal qty = 2, string sku = "A-1") => new()
    {
        Id = "P-1", AccountId = account, CustomerPo = po, Status = status, ErpOrderNo = erpNo, Currency = "EUR",
        CreatedAt = "2026-11-29T23:30:00", UpdatedAt = "2026-11-29T23:30:00",
        Lines = [new PortalOrderLine { LineNo = 1, Sku = sku, Qty = qty, UnitPrice = 5m }],
    };

    private static OrderLookups Erp(IEnumerable<ErpOrder>? orders = null, bool approved = true)
    {
        var all = (orders ?? []).ToList();
        return new OrderLookups(
            all.Where(o => o.PortalOrderId is not null).ToDictionary(o => o.PortalOrderId!),
            all.ToDictionary(o => o.ErpOrderNo),
            [.. all.Where(o => o.PortalOrderId is null)],
            new Dictionary<string, ErpCustomer> { ["ACC-1"] = new("C-1", "ACC-1", approved) },
            new HashSet<string> { "A-1" });
    }

    [Test]
    public void Decide_AlreadyLinkedAndPortalLacksNumber_BackUpdatesOnly()
    {
        var decision = Decider.Decide(Order(status: "IN_PROGRESS"), Erp([new ErpOrder("SO-1", "C-1", "PO-1", "P-1", "OPEN", [Line])]));

        Assert.That(decision, Is.TypeOf<AlreadyLinked>().With.Property("BackUpdate").True);
    }

    [Test]
    public void Decide_AlreadyLinkedEcho_IsDoneWithoutBackUpdate()
    {
        var decision = Decider.Decide(Order(erpNo: "SO-1"), Erp([new ErpOrder("SO-1", "C-1", "PO-1", "P-1", "OPEN", [Line])]));

        Assert.That(decision, Is.TypeOf<AlreadyLinked>().With.Property("BackUpdate").False);
    }

    [Test]
    public void Decide_LinkedButCancelledOrLinesChanged_GoesToReview()
    {
        var linked = new ErpOrder("SO-1", "C-1", "PO-1", "P-1", "OPEN", [Line]);

        Assert.That(Decider.Decide(Order(status: "CANCELLED"), Erp([linked])), Is.TypeOf<HoldForReview>().With.Property("Reason").EqualTo("cancelled_after_import"));
        Assert.That(Decider.Decide(Order(qty: 3), Erp([linked])), Is.TypeOf<HoldForReview>().With.Property("Reason").EqualTo("lines_differ"));
    }

    [TestCase("NEW")]
    [TestCase("SOMETHING_NEW_FROM_THE_PORTAL")]
    public void Decide_StatusNotImported_IsSkipped(string status)
    {
        Assert.That(Decider.Decide(Order(status: status), Erp()), Is.TypeOf<NotImported>().With.Property("Outcome").EqualTo("skipped_status"));
    }

    [Test]
    public void Decide_UnapprovedOrUnknownCustomer_IsOutOfScope()
    {
        Assert.That(Decider.Decide(Order(), Erp(approved: false)), Is.TypeOf<NotImported>().With.Property("Outcome").EqualTo("out_of_scope"));
        Assert.That(Decider.Decide(Order(account: "ACC-9"), Erp()), Is.TypeOf<NotImported>().With.Property("Outcome").EqualTo("out_of_scope"));
    }

    [TestCase(0, "A-1")]
    [TestCase(2, "Z-9")]
    public void Decide_Invalid_IsHeldAsInvalid(decimal qty, string sku)
    {
        Assert.That(Decider.Decide(Order(qty: qty, sku: sku), Erp()), Is.TypeOf<HoldForReview>().With.Property("Invalid").True);
    }

    [Test]
    public void Decide_PortalNamesAnUnknownErpOrder_GoesToReview()
    {
        Assert.That(Decider.Decide(Order(erpNo: "SO-404"), Erp()), Is.TypeOf<HoldForReview>().With.Property("Reason").EqualTo("unknown_erp_order"));
    }

    [Test]
    public void Decide_PortalNamesAnUnlinkedErpOrderOfTheSameCustomer_Links()
    {
        var decision = Decider.Decide(Order(erpNo: "SO-5"), Erp([new ErpOrder("SO-5", "C-1", null, null, "OPEN", [Line])]));

        Assert.That(decision, Is.TypeOf<LinkExisting>());
    }

    [Test]
    public void Decide_OneCandidateByCustomerAndPo_Links()
    {
        var decision = Decider.Decide(Order(), Erp([new ErpOrder("SO-2", "C-1", "PO-1", null, "OPEN", [Line])]));

        Assert.That(decision, Is.TypeOf<LinkExisting>().With.Property("Erp").Property("ErpOrderNo").EqualTo("SO-2"));
    }

    [Test]
    public void Decide_TwoCandidates_GoesToReview()
    {
        var decision = Decider.Decide(Order(), Erp([new ErpOrder("SO-2", "C-1", "PO-1", null, "OPEN", []), new ErpOrder("SO-3", "C-1", "PO-1", null, "OPEN", [])]));

        Assert.That(decision, Is.TypeOf<HoldForReview>().With.Property("Reason").EqualTo("ambiguous_match"));
    }

    [Test]
    public void Decide_EmptyPo_NeverMatchesAndCreatesWithTheLocalDateAndTotal()
    {
        var decision = Decider.Decide(Order(po: " "), Erp([new ErpOrder("SO-2", "C-1", " ", null, "OPEN", [])]));

        var create = (CreateNew)decision;
        Assert.That(create.Order, Is.EqualTo(create.Order with { CustomerNo = "C-1", CustomerPo = null, Currency = "EUR", OrderDate = new DateOnly(2026, 11, 29), Total = 10m }));
    }
}

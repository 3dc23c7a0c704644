using Etl.Entities;
using Etl.Entities.Customers;
using Etl.Entities.Inventory;
using Etl.Entities.ListPrices;
using Etl.Outbound.Diff;
using Etl.State;
using Etl.Tests.Support;
using static Etl.Tests.Support.DiffRun;

namespace Etl.Tests.Outbound.Diff;

public sealed class DifferTests
{
    private static readonly EntitySchema Inventory = InventoryEntity.Schema;
    private static readonly EntitySchema ListPrices = ListPricesEntity.Schema;
    private static readonly Dictionary<string, decimal> PriceTolerance = new() { ["list_price"] = 0.005m };

    private static string?[] Inv(string sku, string available, string onHand, string allocated, string warehouse = "MAIN") =>
        [sku, warehouse, available, onHand, allocated];

    private static string?[] Price(string sku, string price, string uom = "EA", string currency = "EUR") =>
        [sku, "RETAIL", currency, price, uom, "2026-11-01"];

    [Test]
    public void Classify_NewKey_AddedAndSentWithCanonicalValues()
    {
        var diff = Run(Inventory, Portal(Inventory), [Inv("A-1", "5", "7", "2")]);

        Assert.That(diff.Rows.Single().Kind, Is.EqualTo(ChangeKind.Added));
        Assert.That(diff.Rows.Single().Send, Is.True);
        Assert.That(EntityKey.Parts(diff.Rows.Single().Values!), Is.EqualTo(new[] { "A-1", "MAIN", "5" }));
        Assert.That(diff.Removals, Is.Empty);
    }

    [Test]
    public void Classify_PortalFieldChanged_ChangedAndSent()
    {
        var diff = Run(Inventory, Portal(Inventory, Inv("A-1", "5", "7", "2")), [Inv("A-1", "4", "7", "3")]);

        Assert.That(diff.Rows.Single().Kind, Is.EqualTo(ChangeKind.Changed));
        Assert.That(diff.Rows.Single().Send, Is.True);
        Assert.That(EntityKey.Parts(diff.Rows.Single().Values!)[2], Is.EqualTo("4"));
    }

    [Test]
    public void Classify_SameValues_UnchangedAndNotSent()
    {
        var diff = Run(Inventory, Portal(Inventory, Inv("A-1", "5", "7", "2")), [Inv("A-1", "5", "7", "2")]);

        Assert.That(diff.Rows.Single().Kind, Is.EqualTo(ChangeKind.Unchanged));
        Assert.That(diff.Rows.Single().Send, Is.False);
        Assert.That(diff.Rows.Single().Values, Is.Null);
    }

    [Test]
    public void Removals_KeyTheDropLacks_ListedInKeyOrder()
    {
        var portal = Portal(Inventory, Inv("C-3", "1", "1", "0"), Inv("A-1", "5", "7", "2"), Inv("B-2", "1", "1", "0"));

        var diff = Run(Inventory, portal, [Inv("A-1", "5", "7", "2")]);

        Assert.That(diff.Removals, Is.EqualTo(new[] { Key("B-2", "MAIN"), Key("C-3", "MAIN") }));
    }

    [Test]
    public void Classify_OnlyNonPortalFieldsChanged_Unchanged()
    {
        var diff = Run(Inventory, Portal(Inventory, Inv("A-1", "5", "7", "2")), [Inv("A-1", "5", "12", "7")]);

        Assert.That(diff.Rows.Single().Kind, Is.EqualTo(ChangeKind.Unchanged));
        Assert.That(diff.Rows.Single().Send, Is.False);
    }

    [TestCase("12.5", "12.50")]
    [TestCase("12.50", "12.5")]
    [TestCase("12", "12.0000")]
    [TestCase("0.1", "  0.10 ")]
    public void Classify_SameNumberSpelledDifferently_Unchanged(string before, string after)
    {
        var diff = Run(ListPrices, Portal(ListPrices, Price("A-1", before)), [Price("A-1", after)]);

        Assert.That(diff.Rows.Single().Kind, Is.EqualTo(ChangeKind.Unchanged));
    }

    [TestCase("10.00", "10.004", ExpectedResult = ChangeKind.Unchanged)]
    [TestCase("10.00", "10.0049", ExpectedResult = ChangeKind.Unchanged)]
    [TestCase("10.00", "9.9951", ExpectedResult = ChangeKind.Unchanged)]
    [TestCase("10.00", "10.005", ExpectedResult = ChangeKind.Changed)]
    [TestCase("10.00", "9.995", ExpectedResult = ChangeKind.Changed)]
    [TestCase("10.00", "10.01", ExpectedResult = ChangeKind.Changed)]
    [TestCase("10.00", "11", ExpectedResult = ChangeKind.Changed)]
    public ChangeKind Classify_WithTolerance_ChangeBelowIsNoChangeAtOrAboveIs(string before, string after) =>
        Run(ListPrices, Portal(ListPrices, Price("A-1", before)), [Price("A-1", after)], PriceTolerance).Rows.Single().Kind;

    [Test]
    public void Classify_WithoutTolerance_SmallestChangeIsAChange()
    {
        var diff = Run(ListPrices, Portal(ListPrices, Price("A-1", "10")), [Price("A-1", "10.0001")]);

        Assert.That(diff.Rows.Single().Kind, Is.EqualTo(ChangeKind.Changed));
    }

    [Test]
    public void Classify_PriceWithinToleranceButOtherFieldChanged_Changed()
    {
        var diff = Run(ListPrices, Portal(ListPrices, Price("A-1", "10")), [Price("A-1", "10.001", uom: "BOX")], PriceTolerance);

        Assert.That(diff.Rows.Single().Kind, Is.EqualTo(ChangeKind.Changed));
        Assert.That(EntityKey.Parts(diff.Rows.Single().Values!)[3], Is.EqualTo("10.001"), "the current value is sent, not the held one");
    }

    [Test]
    public void Classify_InvalidRowThenFixed_SentOnceFixed()
    {
        var portal = Portal(ListPrices);

        var first = Run(ListPrices, portal, [Price("A-1", "-5")]);
        portal = Apply(portal, first);
        var second = Run(ListPrices, portal, [Price("A-1", "5")]);
        portal = Apply(portal, second);

        Assert.That(first.Rows.Single().Kind, Is.EqualTo(ChangeKind.Invalid));
        Assert.That(first.Rows.Single().Send, Is.False);
        Assert.That(first.Rows.Single().Row.Problems!.Select(p => p.Rule), Is.EqualTo(new[] { "positive" }));
        Assert.That(second.Rows.Single().Kind, Is.EqualTo(ChangeKind.Added));
        Assert.That(second.Rows.Single().Send, Is.True);
        Assert.That(EntityKey.Parts(portal[Key("A-1", "RETAIL", "EUR")])[3], Is.EqualTo("5"));
    }

    [Test]
    public void Classify_InvalidRowStaysInvalid_ReportedOnEveryRun()
    {
        var portal = Portal(ListPrices);

        var first = Run(ListPrices, portal, [Price("A-1", "-5")]);
        var second = Run(ListPrices, Apply(portal, first), [Price("A-1", "-5")]);

        Assert.That(first.Rows.Single().Kind, Is.EqualTo(ChangeKind.Invalid));
        Assert.That(second.Rows.Single().Kind, Is.EqualTo(ChangeKind.Invalid));
    }

    [Test]
    public void Classify_ValidThenInvalid_NotSentNotDeletedBaselineKept()
    {
        var portal = Portal(ListPrices, Price("A-1", "5"));

        var diff = Run(ListPrices, portal, [Price("A-1", "5", uom: "")]);

        Assert.That(diff.Rows.Single().Kind, Is.EqualTo(ChangeKind.Invalid));
        Assert.That(diff.Rows.Single().Send, Is.False);
        Assert.That(diff.Removals, Is.Empty);
    }

    [Test]
    public void Classify_ChangedToInvalidValue_NotSentNotDeletedBaselineKept()
    {
        var portal = Portal(ListPrices, Price("A-1", "5"));

        var diff = Run(ListPrices, portal, [Price("A-1", "0")]);

        Assert.That(diff.Rows.Single().Kind, Is.EqualTo(ChangeKind.Invalid));
        Assert.That(diff.Removals, Is.Empty);
        Assert.That(Apply(portal, diff), Is.EqualTo(portal));
    }

    [Test]
    public void Classify_ConversionErrorOnHeldKey_InvalidAndKeyNotDeleted()
    {
        var portal = Portal(Inventory, Inv("A-1", "5", "7", "2"));

        var diff = Run(Inventory, portal, [Inv("A-1", "five", "7", "2")]);

        Assert.That(diff.Rows.Single().Kind, Is.EqualTo(ChangeKind.Invalid));
        Assert.That(diff.Removals, Is.Empty);
    }

    [Test]
    public void Classify_RuleFailsButPortalFieldsUnchanged_UnchangedAndNotReported()
    {
        // qty_available equals the portal's, the balance rule fails on the non-portal fields: no update needed.
        var diff = Run(Inventory, Portal(Inventory, Inv("A-1", "5", "7", "2")), [Inv("A-1", "5", "9", "2")]);

        Assert.That(diff.Rows.Single().Kind, Is.EqualTo(ChangeKind.Unchanged));
        Assert.That(diff.Rows.Single().Row.IsInvalid, Is.False);
    }

    [Test]
    public void Classify_DuplicateKey_AllItsRowsInvalidAndKeyNotDeleted()
    {
        var portal = Portal(Inventory, Inv("A-1", "5", "7", "2"), Inv("B-2", "1", "1", "0"));

        var diff = Run(Inventory, portal, [Inv("A-1", "5", "7", "2"), Inv("B-2", "1", "1", "0"), Inv(" A-1 ", "6", "8", "2")]);

        var a = diff.Rows.Where(r => r.Row.Key == Key("A-1", "MAIN")).ToList();
        Assert.That(a, Has.Count.EqualTo(2));
        Assert.That(a.Select(r => r.Kind), Is.All.EqualTo(ChangeKind.Invalid));
        Assert.That(a.Select(r => r.Send), Is.All.False);
        Assert.That(a.Select(r => r.Row.Problems!.Single().Rule), Is.All.EqualTo("duplicate_key"));
        Assert.That(a[0].Row.Problems![0].Message, Does.Contain("A-1|MAIN"));
        Assert.That(diff.Rows.Single(r => r.Row.Key == Key("B-2", "MAIN")).Kind, Is.EqualTo(ChangeKind.Unchanged));
        Assert.That(diff.Removals, Is.Empty);
    }

    [Test]
    public void Classify_CustomersSharingPortalAccount_BothInvalidOthersNot()
    {
        var customers = CustomersEntity.Schema;
        var portal = Portal(customers, ["C-1", "Acme", "P-1", "Y", "", ""]);

        var diff = Run(customers, portal,
        [
            ["C-1", "Acme", "P-1", "Y", "", ""],
            ["C-2", "Bolt Co", "P-2", "Y", "", ""],
            ["C-3", "Copy Co", " P-1 ", "N", "", ""],
            ["C-4", "No account", "", "Y", "", ""],
            ["C-5", "No account either", "", "Y", "", ""],
        ]);

        Assert.That(diff.Rows.Select(r => (EntityKey.Display(r.Row.Key), r.Kind)), Is.EqualTo(new[]
        {
            ("C-1", ChangeKind.Invalid), ("C-2", ChangeKind.Added), ("C-3", ChangeKind.Invalid),
            ("C-4", ChangeKind.Added), ("C-5", ChangeKind.Added),
        }));
        Assert.That(diff.Rows[0].Row.Problems!.Single().Rule, Is.EqualTo("duplicate_portal_account_id"));
        Assert.That(diff.Rows[0].Row.Problems!.Single().Field, Is.EqualTo("portal_account_id"));
        Assert.That(diff.Removals, Is.Empty, "C-1 keeps what the portal holds");
    }

    [Test]
    public void Classify_FullResync_UnchangedValidRowsSentAsUpserts()
    {
        var portal = Portal(Inventory, Inv("A-1", "5", "7", "2"), Inv("B-2", "1", "1", "0"), Inv("Z-9", "1", "1", "0"));

        var diff = Run(Inventory, portal, [Inv("A-1", "5", "7", "2"), Inv("B-2", "3", "3", "0"), Inv("C-3", "-1", "0", "1")], fullResync: true);

        Assert.That(diff.Rows.Select(r => (r.Kind, r.Send)), Is.EqualTo(new[]
        {
            (ChangeKind.Unchanged, true), (ChangeKind.Changed, true), (ChangeKind.Invalid, false),
        }));
        Assert.That(diff.Rows[0].Values, Is.EqualTo(portal[Key("A-1", "MAIN")]));
        Assert.That(diff.Removals, Is.EqualTo(new[] { Key("Z-9", "MAIN") }));
    }

    [Test]
    public void Classify_FullResyncUnchangedButRuleFails_InvalidNotSent()
    {
        var diff = Run(Inventory, Portal(Inventory, Inv("A-1", "5", "7", "2")), [Inv("A-1", "5", "9", "2")], fullResync: true);

        Assert.That(diff.Rows.Single().Kind, Is.EqualTo(ChangeKind.Invalid));
        Assert.That(diff.Rows.Single().Send, Is.False);
        Assert.That(diff.Rows.Single().Row.Problems!.Single().Rule, Is.EqualTo("qty_balance"));
    }

    [Test]
    public void Classify_RuleFailure_ProblemCarriesFieldValueRuleAndMessage()
    {
        var diff = Run(ListPrices, Portal(ListPrices), [Price("A-1", "12.5", currency: " usd ")]);

        var problem = diff.Rows.Single().Row.Problems!.Single();
        Assert.That(problem, Is.EqualTo(new Etl.Entities.RowProblem("currency", "usd", "currency", problem.Message)));
        Assert.That(problem.Message, Does.Contain("three upper-case letters"));
    }

    [Test]
    public void BaselineCount_IsTheNumberOfHeldKeys()
    {
        // The guards' removal percentage divides by the baseline's count (OutboundGraph.GuardViolation).
        var baseline = Baseline.From(Portal(Inventory, Inv("A-1", "5", "7", "2"), Inv("B-2", "1", "1", "0")));

        Assert.That(baseline.Count, Is.EqualTo(2));
    }

    [Test]
    public void Classify_RunTwiceAgainstOneBaseline_SecondRunSeesTheSameRemovals()
    {
        // The graph clears the seen marks between its passes; a baseline reused for another drop must not remember the first.
        var baseline = Baseline.From(Portal(Inventory, Inv("A-1", "5", "7", "2"), Inv("B-2", "1", "1", "0")));

        var first = Run(Inventory, baseline, new ChunkedSource([Inv("A-1", "5", "7", "2")]));
        baseline.ClearSeen();
        var second = Run(Inventory, baseline, new ChunkedSource([Inv("B-2", "1", "1", "0")]));

        Assert.That(first.Removals, Is.EqualTo(new[] { Key("B-2", "MAIN") }));
        Assert.That(second.Removals, Is.EqualTo(new[] { Key("A-1", "MAIN") }));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void Classify_SmallChunks_SameOutcomeAsOneChunk(int rowsPerChunk)
    {
        var portal = Portal(Inventory, Inv("A-1", "5", "7", "2"), Inv("B-2", "1", "1", "0"), Inv("Z-9", "1", "1", "0"));
        string?[][] drop = [Inv("A-1", "5", "7", "2"), Inv("B-2", "3", "3", "0"), Inv("C-3", "x", "0", "1"), Inv("D-4", "1", "1", "0"), Inv("C-3", "1", "1", "0")];

        var whole = Run(Inventory, portal, drop);
        var chunked = Run(Inventory, portal, drop, rowsPerChunk: rowsPerChunk);

        static IEnumerable<string> Shown((List<Classified> Rows, List<string> Removals) diff) =>
            diff.Rows.Select(r => $"{r.Row.Line}:{EntityKey.Display(r.Row.Key)}:{r.Kind}:{r.Send}:{r.Values}:{string.Join(",", (r.Row.Problems ?? []).Select(p => p.Rule))}")
                .Concat(diff.Removals.Select(k => "removed:" + EntityKey.Display(k)));
        Assert.That(Shown(chunked), Is.EqualTo(Shown(whole)));
        Assert.That(whole.Rows.Select(r => r.Kind), Is.EqualTo(new[] { ChangeKind.Unchanged, ChangeKind.Changed, ChangeKind.Invalid, ChangeKind.Added, ChangeKind.Invalid }));
        Assert.That(whole.Removals, Is.EqualTo(new[] { Key("Z-9", "MAIN") }));
    }

    [Test]
    public void Classify_NonAsciiKeys_MatchedAndRemovedByTheirText()
    {
        var portal = Portal(Inventory, Inv("Ä-1", "5", "7", "2", warehouse: "LAGER-Süd"), Inv("日本-2", "1", "1", "0"), Inv("Ø-3", "1", "1", "0"));

        var diff = Run(Inventory, portal, [Inv("Ä-1", "5", "7", "2", warehouse: "LAGER-Süd"), Inv("日本-2", "2", "2", "0"), Inv("ä-1", "1", "1", "0", warehouse: "LAGER-Süd")]);

        Assert.That(diff.Rows.Select(r => r.Kind), Is.EqualTo(new[] { ChangeKind.Unchanged, ChangeKind.Changed, ChangeKind.Added }));
        Assert.That(diff.Removals, Is.EqualTo(new[] { Key("Ø-3", "MAIN") }));
        Assert.That(EntityKey.Parts(diff.Rows[1].Values!), Is.EqualTo(new[] { "日本-2", "MAIN", "2" }));
    }

    [Test]
    public void Classify_KeysDifferingOnlyInCase_AreDifferentRecords()
    {
        var diff = Run(Inventory, Portal(Inventory, Inv("a-1", "5", "7", "2")), [Inv("A-1", "5", "7", "2")]);

        Assert.That(diff.Rows.Single().Kind, Is.EqualTo(ChangeKind.Added));
        Assert.That(diff.Removals, Is.EqualTo(new[] { Key("a-1", "MAIN") }));
    }
}

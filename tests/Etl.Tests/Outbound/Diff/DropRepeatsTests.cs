using Etl.Entities;
using Etl.Entities.Customers;
using Etl.Entities.Inventory;
using Etl.Outbound.Columns;
using Etl.Outbound.Diff;
using Etl.Outbound.Outbox;
using Etl.State;
using Etl.Tests.Support;
using static Etl.Tests.Support.DiffRun;

namespace Etl.Tests.Outbound.Diff;

/// <summary>
/// Keys, and unique values such as a customer's portal_account_id, that a drop repeats: every row carrying one is
/// invalid (the first pass notices them, the second marks them), whichever chunk the rows fall into.
/// </summary>
public sealed class DropRepeatsTests
{
    private static readonly EntitySchema Inventory = InventoryEntity.Schema;
    private static readonly EntitySchema Customers = CustomersEntity.Schema;

    private static List<string> Rules((List<Classified> Rows, List<string> Removals) diff) =>
        [.. diff.Rows.Select(r => string.Join(",", (r.Row.Problems ?? []).Select(p => p.Rule)))];

    private static List<string> RulesAfterDiff(EntitySchema schema, IReadOnlyList<string?[]> drop, int rowsPerChunk = RowChunk.Capacity) =>
        Rules(Run(schema, Portal(schema), drop, rowsPerChunk: rowsPerChunk));

    [TestCase(RowChunk.Capacity)]
    [TestCase(1)]
    [TestCase(2)]
    public void Diff_KeyRepeatedAfterTrimming_EveryRowOfTheKeyInvalid(int rowsPerChunk)
    {
        var diff = Run(Inventory, Portal(Inventory),
            [["A", "M", "1", "1", "0"], ["B", "M", "1", "1", "0"], [" A ", "M ", "2", "2", "0"], ["A", "N", "1", "1", "0"], ["A", "M", "3", "3", "0"]],
            rowsPerChunk: rowsPerChunk);

        Assert.That(Rules(diff), Is.EqualTo(new[] { "duplicate_key", "", "duplicate_key", "", "duplicate_key" }));
        Assert.That(diff.Rows.Select(r => r.Kind), Is.EqualTo(new[] { ChangeKind.Invalid, ChangeKind.Added, ChangeKind.Invalid, ChangeKind.Added, ChangeKind.Invalid }));
        Assert.That(diff.Rows.Where(r => r.Send).Select(r => EntityKey.Display(r.Row.Key)), Is.EqualTo(new[] { "B|M", "A|N" }));
    }

    [Test]
    public void Diff_RepeatedKey_ProblemNamesTheKeyFieldsAndTheKey()
    {
        var diff = Run(Inventory, Portal(Inventory), [["A-1", "MAIN", "1", "1", "0"], ["A-1", "MAIN", "2", "2", "0"]]);

        var problem = diff.Rows[1].Row.Problems!.Single();
        Assert.That(problem.Field, Is.EqualTo("sku|warehouse"));
        Assert.That(problem.Value, Is.EqualTo("A-1|MAIN"));
        Assert.That(problem.Rule, Is.EqualTo("duplicate_key"));
        Assert.That(problem.Message, Is.EqualTo("the key sku|warehouse = A-1|MAIN occurs more than once in the file; all its rows are held back."));
    }

    [Test]
    public void Diff_KeyRepeatedThreeTimesAcrossChunks_EachRowMarkedOnce()
    {
        var drop = Enumerable.Range(0, 7).Select(i => new string?[] { i % 3 == 0 ? "R" : "U" + i, "MAIN", "1", "1", "0" }).ToList();

        var rules = RulesAfterDiff(Inventory, drop, rowsPerChunk: 2);

        Assert.That(rules, Is.EqualTo(new[] { "duplicate_key", "", "", "duplicate_key", "", "", "duplicate_key" }));
    }

    [Test]
    public void Diff_KeysDifferingInCase_NotRepeats()
    {
        var rules = RulesAfterDiff(Inventory, [["A", "M", "1", "1", "0"], ["a", "M", "1", "1", "0"]]);

        Assert.That(rules, Is.EqualTo(new[] { "", "" }));
    }

    [Test]
    public void Diff_KeyFieldsJoinedDifferently_NotRepeats()
    {
        // "AB"+"C" and "A"+"BC" make different keys: the key fields are kept apart by the separator.
        var rules = RulesAfterDiff(Inventory, [["AB", "C", "1", "1", "0"], ["A", "BC", "1", "1", "0"]]);

        Assert.That(rules, Is.EqualTo(new[] { "", "" }));
    }

    [TestCase(RowChunk.Capacity)]
    [TestCase(1)]
    public void Diff_SharedPortalAccountAfterTrimming_BothCustomersInvalidEmptyAccountsNot(int rowsPerChunk)
    {
        var rules = RulesAfterDiff(Customers,
        [
            ["C-1", "A", "P-1", "Y", "", ""],
            ["C-2", "B", " P-1", "Y", "", ""],
            ["C-3", "C", "", "Y", "", ""],
            ["C-4", "D", "  ", "Y", "", ""],
            ["C-5", "E", "p-1", "Y", "", ""],
        ], rowsPerChunk);

        Assert.That(rules, Is.EqualTo(new[] { "duplicate_portal_account_id", "duplicate_portal_account_id", "", "", "" }));
    }

    [Test]
    public void Diff_SharedPortalAccount_ProblemNamesTheFieldAndValue()
    {
        var diff = Run(Customers, Portal(Customers), [["C-1", "A", "P-1", "Y", "", ""], ["C-2", "B", "P-1 ", "Y", "", ""]]);

        var problem = diff.Rows[1].Row.Problems!.Single();
        Assert.That(problem, Is.EqualTo(new RowProblem("portal_account_id", "P-1", "duplicate_portal_account_id",
            "portal_account_id P-1 is used by more than one record; each must have its own.")));
        Assert.That(diff.Rows.Select(r => r.Send), Is.All.False);
    }

    [Test]
    public void Diff_RowWithRepeatedKeyAndSharedAccount_BothProblemsNoted()
    {
        var rules = RulesAfterDiff(Customers, [["C-1", "A", "P-1", "Y", "", ""], ["C-1", "B", "P-1", "Y", "", ""]]);

        Assert.That(rules, Is.EqualTo(new[] { "duplicate_key,duplicate_portal_account_id", "duplicate_key,duplicate_portal_account_id" }));
    }

    [Test]
    public void Diff_RepeatedKeyWithAConversionError_BothProblemsNoted()
    {
        var rules = RulesAfterDiff(Inventory, [["A", "M", "x", "1", "0"], ["A", "M", "1", "1", "0"]]);

        Assert.That(rules, Is.EqualTo(new[] { "conversion,duplicate_key", "duplicate_key" }));
    }

    [TestCase(RowChunk.Capacity)]
    [TestCase(1)]
    public void Diff_RepeatedKeyTheBaselineHolds_NotRemovedNotSentBaselineKept(int rowsPerChunk)
    {
        var portal = Portal(Inventory, ["A", "M", "1", "1", "0"], ["B", "M", "1", "1", "0"], ["Z", "M", "1", "1", "0"]);

        var diff = Run(Inventory, portal, [["A", "M", "1", "1", "0"], ["B", "M", "1", "1", "0"], ["A", "M", "2", "2", "0"]], rowsPerChunk: rowsPerChunk);

        Assert.That(diff.Rows.Select(r => r.Kind), Is.EqualTo(new[] { ChangeKind.Invalid, ChangeKind.Unchanged, ChangeKind.Invalid }));
        Assert.That(diff.Removals, Is.EqualTo(new[] { Key("Z", "M") }), "A is in the drop (twice): the portal keeps what it holds");
        Assert.That(Apply(portal, diff)[Key("A", "M")], Is.EqualTo(portal[Key("A", "M")]));
    }

    [Test]
    public void Diff_RepeatedKeyTheBaselineLacks_NothingSentNothingRemoved()
    {
        var portal = Portal(Inventory, ["B", "M", "1", "1", "0"]);

        var diff = Run(Inventory, portal, [["N", "M", "1", "1", "0"], ["B", "M", "1", "1", "0"], ["N", "M", "1", "1", "0"]], rowsPerChunk: 1);

        Assert.That(diff.Rows.Where(r => r.Send), Is.Empty);
        Assert.That(diff.Removals, Is.Empty);
        Assert.That(Apply(portal, diff), Is.EqualTo(portal));
    }

    [Test]
    public void Diff_FullResyncWithRepeatedKey_RepeatedRowsNotSentOthersAre()
    {
        var portal = Portal(Inventory, ["A", "M", "1", "1", "0"], ["B", "M", "1", "1", "0"]);

        var diff = Run(Inventory, portal, [["A", "M", "1", "1", "0"], ["B", "M", "1", "1", "0"], ["A", "M", "1", "1", "0"]], fullResync: true);

        Assert.That(diff.Rows.Select(r => (r.Kind, r.Send)), Is.EqualTo(new[] { (ChangeKind.Invalid, false), (ChangeKind.Unchanged, true), (ChangeKind.Invalid, false) }));
        Assert.That(diff.Removals, Is.Empty);
    }

    // ---- the Differ's passes, as OutboundGraph drives them ----

    private static (Differ Differ, List<ChangeRecord> Changes, ChangeKind[] Kinds) Classify(EntitySchema schema, Baseline baseline, IReadOnlyList<string?[]> drop, DropRepeats? known = null)
    {
        var differ = new Differ(schema, baseline, new Dictionary<string, decimal>(), false, known);
        var kinds = new ChangeKind[RowChunk.Capacity];
        var changes = new List<ChangeRecord>();
        foreach (var chunk in new ChunkedSource(drop).Read(new RowChunkPool(schema), CancellationToken.None)) differ.Classify(chunk, kinds, changes);
        return (differ, changes, kinds);
    }

    [Test]
    public void Repeats_NoRepeats_NullSoOnePassIsEnough()
    {
        var (differ, changes, _) = Classify(Customers, new Baseline(), [["C-1", "A", "P-1", "Y", "", ""], ["C-2", "B", "P-2", "Y", "", ""], ["C-3", "C", "", "Y", "", ""], ["C-4", "D", "", "Y", "", ""]]);

        Assert.That(differ.Repeats, Is.Null);
        Assert.That(changes, Has.Count.EqualTo(4));
    }

    [Test]
    public void Repeats_RepeatedKeyAndAccount_NotedForTheSecondPass()
    {
        var (differ, _, _) = Classify(Customers, new Baseline(), [["C-1", "A", "P-1", "Y", "", ""], ["C-1", "B", "P-2", "Y", "", ""], ["C-3", "C", "P-2", "Y", "", ""]]);

        Assert.That(differ.Repeats, Is.Not.Null);
        Assert.That(differ.Repeats!.Keys.Entries().Select(e => e.Key), Is.EqualTo(new[] { "C-1" }));
        Assert.That(differ.Repeats.Uniques(Customers).Single(), Is.EquivalentTo(new[] { "P-2" }));
    }

    [Test]
    public void Repeats_SecondPassWithRepeatsKnown_NoRepeatsNotedAgainAndOnlyTheOthersSent()
    {
        var baseline = new Baseline();
        string?[][] drop = [["C-1", "A", "P-1", "Y", "", ""], ["C-2", "B", "P-2", "Y", "", ""], ["C-1", "C", "P-3", "Y", "", ""]];
        var first = Classify(Customers, baseline, drop);
        baseline.ClearSeen();

        var (differ, changes, kinds) = Classify(Customers, baseline, drop, first.Differ.Repeats);

        Assert.That(differ.Repeats, Is.Null);
        Assert.That(kinds.Take(3), Is.EqualTo(new[] { ChangeKind.Invalid, ChangeKind.Added, ChangeKind.Invalid }));
        Assert.That(changes.Select(c => c.Key), Is.EqualTo(new[] { "C-2" }));
    }
}

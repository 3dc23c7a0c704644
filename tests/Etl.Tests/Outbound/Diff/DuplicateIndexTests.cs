using Etl.Entities.Customers;
using Etl.Entities.Inventory;
using Etl.Outbound.Diff;
using Etl.Tests.Support;

namespace Etl.Tests.Outbound.Diff;

public sealed class DuplicateIndexTests
{
    private static List<string> ProblemsAfterMark(Etl.Entities.EntitySchema schema, IReadOnlyList<string?[]> drop)
    {
        var source = new MemorySource(drop);
        var index = DuplicateIndex.Build(schema, source, CancellationToken.None);
        return [.. source.Read(CancellationToken.None).Select(r =>
        {
            var row = Etl.Entities.RowFactory.Create(schema, r.Line, r.Texts);
            index.Mark(schema, row);
            return string.Join(",", (row.Problems ?? []).Select(p => p.Rule));
        })];
    }

    [Test]
    public void Build_CountsEveryRow()
    {
        var index = DuplicateIndex.Build(InventoryEntity.Schema, new MemorySource([["A", "M", "1", "1", "0"], ["A", "M", "1", "1", "0"], ["B", "M", "1", "1", "0"]]), CancellationToken.None);

        Assert.That(index.Rows, Is.EqualTo(3));
    }

    [Test]
    public void Mark_KeyRepeatedAfterTrimming_EveryRowOfTheKeyMarked()
    {
        var problems = ProblemsAfterMark(InventoryEntity.Schema,
            [["A", "M", "1", "1", "0"], ["B", "M", "1", "1", "0"], [" A ", "M ", "2", "2", "0"], ["A", "N", "1", "1", "0"], ["A", "M", "3", "3", "0"]]);

        Assert.That(problems, Is.EqualTo(new[] { "duplicate_key", "", "duplicate_key", "", "duplicate_key" }));
    }

    [Test]
    public void Mark_KeysDifferingInCase_NotDuplicates()
    {
        var problems = ProblemsAfterMark(InventoryEntity.Schema, [["A", "M", "1", "1", "0"], ["a", "M", "1", "1", "0"]]);

        Assert.That(problems, Is.EqualTo(new[] { "", "" }));
    }

    [Test]
    public void Mark_SharedPortalAccountAfterTrimming_BothCustomersMarkedEmptyAccountsNot()
    {
        var problems = ProblemsAfterMark(CustomersEntity.Schema,
        [
            ["C-1", "A", "P-1", "Y", "", ""],
            ["C-2", "B", " P-1", "Y", "", ""],
            ["C-3", "C", "", "Y", "", ""],
            ["C-4", "D", "  ", "Y", "", ""],
            ["C-5", "E", "p-1", "Y", "", ""],
        ]);

        Assert.That(problems, Is.EqualTo(new[] { "duplicate_portal_account_id", "duplicate_portal_account_id", "", "", "" }));
    }

    [Test]
    public void Mark_RowWithRepeatedKeyAndSharedAccount_BothProblemsNoted()
    {
        var problems = ProblemsAfterMark(CustomersEntity.Schema, [["C-1", "A", "P-1", "Y", "", ""], ["C-1", "B", "P-1", "Y", "", ""]]);

        Assert.That(problems, Is.EqualTo(new[] { "duplicate_key,duplicate_portal_account_id", "duplicate_key,duplicate_portal_account_id" }));
    }
}

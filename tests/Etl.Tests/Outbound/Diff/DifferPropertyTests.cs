using System.Globalization;
using Etl.Entities;
using Etl.Entities.Inventory;
using Etl.Entities.ListPrices;
using Etl.Outbound.Columns;
using Etl.Tests.Support;
using static Etl.Tests.Support.DiffRun;

namespace Etl.Tests.Outbound.Diff;

/// <summary>
/// Random baselines and drops (seeded; the seed is in every assertion message, and ETL_TEST_SEED replaces the
/// first seed to replay a run): what the diff sends, applied to a dictionary standing for the portal, must leave
/// the portal holding exactly the valid rows of the drop; invalid keys keep what the portal had. Drops are diffed in one
/// chunk or in chunks of a few rows (repeats found in a later chunk than their first row).
/// </summary>
public sealed class DifferPropertyTests
{
    private const int Iterations = 200;
    private static readonly EntitySchema Inventory = InventoryEntity.Schema;
    private static readonly EntitySchema ListPrices = ListPricesEntity.Schema;

    private static int FirstSeed =>
        int.TryParse(Environment.GetEnvironmentVariable("ETL_TEST_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : 20261130;

    private static string Held(string sku, string warehouse, long qty) =>
        RowFactory.PortalValues(Inventory, Rows.Create(Inventory, sku, warehouse, Text(qty), Text(qty), "0"));

    private static string Text(long n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>The same whole number as the ERP might write it.</summary>
    private static string Spell(Random rng, long n) => rng.Next(4) switch
    {
        0 => Text(n) + ".0",
        1 => " " + Text(n) + " ",
        _ => Text(n),
    };

    [Test]
    public void Diff_RandomBaselinesAndDrops_PortalEqualsValidRowsOfTheDrop()
    {
        for (var i = 0; i < Iterations; i++) CheckInventory(FirstSeed + i);
    }

    private static void CheckInventory(int seed)
    {
        var rng = new Random(seed);
        var skus = Enumerable.Range(0, rng.Next(1, 16)).Select(n => "S" + n).ToArray();
        var keys = skus.SelectMany(s => new[] { (Sku: s, Warehouse: "W1"), (Sku: s, Warehouse: "W2") }).ToList();
        var portal = new Dictionary<string, string>(StringComparer.Ordinal);
        var heldQty = new Dictionary<string, long>();
        foreach (var (sku, warehouse) in keys.Where(_ => rng.NextDouble() < 0.5))
        {
            var qty = rng.Next(0, 20);
            portal[Key(sku, warehouse)] = Held(sku, warehouse, qty);
            heldQty[Key(sku, warehouse)] = qty;
        }

        var drop = new List<string?[]>();
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (sku, warehouse) in keys.Where(_ => rng.NextDouble() < 0.8))
        {
            var key = Key(sku, warehouse);
            long available = heldQty.TryGetValue(key, out var held) && rng.NextDouble() < 0.4 ? held : rng.Next(0, 20);
            long allocated = rng.Next(0, 10);
            var onHand = available + allocated;
            var paddedSku = rng.Next(5) == 0 ? " " + sku + " " : sku;
            var variant = rng.NextDouble();
            bool valid;
            if (variant < 0.65)
            {
                drop.Add([paddedSku, warehouse, Spell(rng, available), Spell(rng, onHand), Spell(rng, allocated)]);
                valid = true;
            }
            else if (variant < 0.72)
            {
                // The balance rule fails; when qty_available equals the portal's there is nothing to send anyway.
                drop.Add([paddedSku, warehouse, Text(available), Text(onHand + 1), Text(allocated)]);
                valid = false;
            }
            else if (variant < 0.79)
            {
                var negative = -1 - rng.Next(5);
                drop.Add([paddedSku, warehouse, Text(negative), "0", Text(-negative)]);
                valid = false;
            }
            else if (variant < 0.86)
            {
                drop.Add([paddedSku, warehouse, rng.Next(2) == 0 ? "x" : Text(available) + ".5", Text(onHand), Text(allocated)]);
                valid = false;
            }
            else if (variant < 0.93)
            {
                drop.Add([paddedSku, warehouse, Text(available), Text(onHand), "n/a"]);
                valid = false;
            }
            else
            {
                drop.Add([paddedSku, warehouse, Text(available), Text(onHand), Text(allocated)]);
                drop.Add([sku, warehouse, Text(available + 1), Text(onHand + 1), Text(allocated)]);
                valid = false;
            }
            if (valid) expected[key] = Held(sku, warehouse, available);
            else if (portal.TryGetValue(key, out var before)) expected[key] = before;
        }
        Shuffle(rng, drop);
        var fullResync = rng.Next(5) == 0;
        var rowsPerChunk = ChunkSize(rng);

        var diff = Run(Inventory, portal, drop, fullResync: fullResync, rowsPerChunk: rowsPerChunk);
        var after = Apply(portal, diff);

        var context = $"seed {seed} (replay with ETL_TEST_SEED={seed}), full resync {fullResync}, {drop.Count} rows, {portal.Count} held, {rowsPerChunk} rows per chunk";
        Assert.That(Mismatches(expected, after), Is.Empty, context);
        Assert.That(diff.Rows.Where(r => r.Send && r.Row.IsInvalid).Select(r => r.Row.Line), Is.Empty, "invalid rows sent; " + context);
        if (!fullResync)
        {
            var needless = diff.Rows.Where(r => r.Send && portal.TryGetValue(r.Row.Key, out var v) && v == r.Values).Select(r => EntityKey.Display(r.Row.Key));
            Assert.That(needless, Is.Empty, "unchanged records sent; " + context);
        }
        else
        {
            var notSent = expected.Keys.Where(k => diff.Rows.Any(r => r.Row.Key == k && !r.Row.IsInvalid) && !diff.Rows.Any(r => r.Row.Key == k && r.Send));
            Assert.That(notSent.Select(EntityKey.Display), Is.Empty, "full resync left valid records out; " + context);
        }
    }

    [Test]
    public void Diff_RandomPricesWithTolerance_PortalWithinToleranceOfValidRows()
    {
        for (var i = 0; i < Iterations; i++) CheckPrices(FirstSeed + 1_000_000 + i);
    }

    private static void CheckPrices(int seed)
    {
        var rng = new Random(seed);
        var tolerance = rng.Next(3) switch { 0 => 0m, 1 => 0.005m, _ => 0.5m };
        var tolerances = tolerance == 0 ? new Dictionary<string, decimal>() : new Dictionary<string, decimal> { ["list_price"] = tolerance };
        var skus = Enumerable.Range(0, rng.Next(1, 20)).Select(n => "P" + n).ToArray();
        string?[] Row(string sku, decimal price, string uom, string spelling) => [sku, "RETAIL", "EUR", spelling, uom, "2026-11-01"];
        decimal Price() => Math.Max(1m, Math.Round((decimal)rng.Next(1, 2_000_000) / 10_000m, rng.Next(0, 5)));
        string SpellPrice(decimal p) => rng.Next(3) == 0 ? p.ToString("0.0000", CultureInfo.InvariantCulture) : p.ToString(CultureInfo.InvariantCulture);

        var portal = new Dictionary<string, string>(StringComparer.Ordinal);
        var heldPrice = new Dictionary<string, (decimal Price, string Uom)>();
        foreach (var sku in skus.Where(_ => rng.NextDouble() < 0.6))
        {
            var price = Price();
            var uom = rng.Next(2) == 0 ? "EA" : "BOX";
            portal[Key(sku, "RETAIL", "EUR")] = RowFactory.PortalValues(ListPrices, Rows.Create(ListPrices, Row(sku, price, uom, SpellPrice(price))));
            heldPrice[Key(sku, "RETAIL", "EUR")] = (price, uom);
        }

        var drop = new List<string?[]>();
        var expected = new Dictionary<string, (decimal Price, string Uom)?>();
        foreach (var sku in skus.Where(_ => rng.NextDouble() < 0.85))
        {
            var key = Key(sku, "RETAIL", "EUR");
            var has = heldPrice.TryGetValue(key, out var held);
            var price = has && rng.NextDouble() < 0.5 ? Math.Max(0.0001m, held.Price + rng.Next(-100, 101) / 10_000m) : Price();
            var uom = has && rng.NextDouble() < 0.8 ? held.Uom : (rng.Next(2) == 0 ? "EA" : "BOX");
            if (rng.NextDouble() < 0.1)
            {
                drop.Add(Row(sku, -price, uom, SpellPrice(-price)));
                expected[key] = has ? held : null;
            }
            else
            {
                drop.Add(Row(sku, price, uom, SpellPrice(price)));
                expected[key] = (price, uom);
            }
        }
        Shuffle(rng, drop);
        var rowsPerChunk = ChunkSize(rng);

        var diff = Run(ListPrices, portal, drop, tolerances, rowsPerChunk: rowsPerChunk);
        var after = Apply(portal, diff);

        var context = $"seed {seed} (replay with ETL_TEST_SEED={seed - 1_000_000}), tolerance {tolerance}, {rowsPerChunk} rows per chunk";
        Assert.That(after.Keys.Order(StringComparer.Ordinal), Is.EqualTo(expected.Where(e => e.Value is not null).Select(e => e.Key).Order(StringComparer.Ordinal)), context);
        foreach (var (key, want) in expected)
        {
            if (want is not { } w) continue;
            var parts = EntityKey.Parts(after[key]);
            var got = decimal.Parse(parts[3], CultureInfo.InvariantCulture);
            Assert.That(parts[4], Is.EqualTo(w.Uom), $"{EntityKey.Display(key)}; {context}");
            Assert.That(Math.Abs(got - w.Price), tolerance == 0 ? Is.Zero : Is.LessThan(tolerance), $"{EntityKey.Display(key)}; {context}");
        }
        var sentWithinTolerance = diff.Rows.Where(r => r.Send && heldPrice.TryGetValue(r.Row.Key, out var h) && h.Uom == EntityKey.Parts(r.Values!)[4]
            && Math.Abs(decimal.Parse(EntityKey.Parts(r.Values!)[3], CultureInfo.InvariantCulture) - h.Price) < Math.Max(tolerance, 1e-9m));
        Assert.That(sentWithinTolerance.Select(r => EntityKey.Display(r.Row.Key)), Is.Empty, "changes under the tolerance sent; " + context);
    }

    /// <summary>Mostly whole drops in one chunk; sometimes tiny chunks, so that repeats and removals span chunks (and pooled chunks are reused).</summary>
    private static int ChunkSize(Random rng) => rng.Next(3) == 0 ? rng.Next(1, 4) : RowChunk.Capacity;

    private static void Shuffle<T>(Random rng, List<T> list)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    private static List<string> Mismatches(Dictionary<string, string> expected, Dictionary<string, string> actual) =>
    [
        .. expected.Where(e => !actual.TryGetValue(e.Key, out var a) || a != e.Value)
            .Select(e => $"{EntityKey.Display(e.Key)}: expected {EntityKey.Display(e.Value)}, portal has {(actual.TryGetValue(e.Key, out var a) ? EntityKey.Display(a) : "nothing")}"),
        .. actual.Where(a => !expected.ContainsKey(a.Key)).Select(a => $"{EntityKey.Display(a.Key)}: expected nothing, portal has {EntityKey.Display(a.Value)}"),
    ];
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Etl.Benchmarks;

/// <summary>What the generator put into day 2 relative to day 1, i.e. what a correct diff finds.</summary>
internal sealed record DropStats(long Day1Rows, long Day2Rows, long Changed, long Removed, long Added, long Invalid, long Day1Bytes, long Day2Bytes)
{
    /// <summary>Valid changed rows (the invalid rows are all changed ones).</summary>
    public long ChangedValid => Changed - Invalid;

    public long Unchanged => Day2Rows - Added - Changed;

    /// <summary>Records a correct run sends: upserts for added and valid changed rows, deletes for removed keys.</summary>
    public long Upserts => Added + ChangedValid;
}

/// <summary>
/// Generates two ERP inventory drops (CONTRACTS.md section 2: sku, warehouse, qty_available, qty_on_hand,
/// qty_allocated), deterministic for a row count: day 1 with N valid rows (four warehouses per SKU, in key order),
/// and day 2 with about 5% of the rows changed (qty_available moves), 1% removed, 1% added (new SKUs, interleaved)
/// and 8 of the changed rows made invalid in the ways an ERP export goes wrong (a text quantity, a negative one,
/// an available quantity that does not balance).
/// </summary>
internal static class InventoryData
{
    public const string Header = "sku,warehouse,qty_available,qty_on_hand,qty_allocated";
    private const int Version = 1;
    private const int InvalidRows = 8;
    private static readonly string[] Warehouses = ["MAIN", "EAST", "WEST", "SOUTH"];

    /// <summary>Generates day1.csv and day2.csv in <paramref name="folder"/>, or reuses them when already generated for N.</summary>
    public static DropStats Ensure(string folder, long rows)
    {
        Directory.CreateDirectory(folder);
        var stamp = Path.Combine(folder, "stats.json");
        var day1 = Path.Combine(folder, "day1.csv");
        var day2 = Path.Combine(folder, "day2.csv");
        if (File.Exists(stamp) && File.Exists(day1) && File.Exists(day2))
        {
            var saved = JsonSerializer.Deserialize<Stamp>(File.ReadAllText(stamp));
            if (saved is not null && saved.Version == Version && saved.Stats.Day1Rows == rows
                && new FileInfo(day1).Length == saved.Stats.Day1Bytes && new FileInfo(day2).Length == saved.Stats.Day2Bytes)
            {
                return saved.Stats;
            }
        }
        File.Delete(stamp);
        var stats = Generate(day1, day2, rows);
        File.WriteAllText(stamp, JsonSerializer.Serialize(new Stamp(Version, stats)));
        return stats;
    }

    private sealed record Stamp(int Version, DropStats Stats);

    private static DropStats Generate(string day1Path, string day2Path, long rows)
    {
        var random = new Random(20261130);
        var skus = (rows + Warehouses.Length - 1) / Warehouses.Length;
        long day2Rows = 0, changed = 0, removed = 0, added = 0, invalid = 0, newSku = skus;
        var newWarehouse = 0;
        // Spread the invalid rows over the file: one in every (changes / 8) changed rows, starting early.
        var invalidEvery = Math.Max(1, rows / 20 / InvalidRows);
        using (var day1 = Writer(day1Path))
        using (var day2 = Writer(day2Path))
        {
            var line = new StringBuilder(64);
            for (long i = 0; i < rows; i++)
            {
                var sku = Sku(i / Warehouses.Length);
                var warehouse = Warehouses[i % Warehouses.Length];
                long onHand = random.Next(0, 10_000), allocated = random.Next(0, (int)onHand + 1);
                Write(day1, line, sku, warehouse, (onHand - allocated).ToString(CultureInfo.InvariantCulture), onHand, allocated);

                var roll = random.Next(100);
                if (roll == 0)
                {
                    removed++;
                }
                else if (roll <= 5)
                {
                    changed++;
                    var moreOnHand = onHand + 1 + random.Next(0, 500);
                    string available = (moreOnHand - allocated).ToString(CultureInfo.InvariantCulture);
                    var alloc = allocated;
                    if (invalid < InvalidRows && changed % invalidEvery == 1 % invalidEvery)
                    {
                        switch (invalid % 4)
                        {
                            case 0: available = "12x"; break;                                   // does not convert
                            case 1: alloc = -3; available = (moreOnHand + 3).ToString(CultureInfo.InvariantCulture); break; // negative, balanced
                            default: available = (moreOnHand - allocated + 7).ToString(CultureInfo.InvariantCulture); break; // does not balance
                        }
                        invalid++;
                    }
                    Write(day2, line, sku, warehouse, available, moreOnHand, alloc);
                    day2Rows++;
                }
                else
                {
                    Write(day2, line, sku, warehouse, (onHand - allocated).ToString(CultureInfo.InvariantCulture), onHand, allocated);
                    day2Rows++;
                }

                if (random.Next(100) == 0)
                {
                    long h = random.Next(0, 10_000), a = random.Next(0, (int)h + 1);
                    Write(day2, line, Sku(newSku), Warehouses[newWarehouse], (h - a).ToString(CultureInfo.InvariantCulture), h, a);
                    if (++newWarehouse == Warehouses.Length) { newWarehouse = 0; newSku++; }
                    added++;
                    day2Rows++;
                }
            }
        }
        return new DropStats(rows, day2Rows, changed, removed, added, invalid, new FileInfo(day1Path).Length, new FileInfo(day2Path).Length);
    }

    private static string Sku(long number) => "SKU-" + number.ToString("D8", CultureInfo.InvariantCulture);

    private static StreamWriter Writer(string path)
    {
        var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
        writer.WriteLine(Header);
        return writer;
    }

    private static void Write(StreamWriter writer, StringBuilder line, string sku, string warehouse, string available, long onHand, long allocated)
    {
        line.Clear().Append(sku).Append(',').Append(warehouse).Append(',').Append(available).Append(',')
            .Append(onHand.ToString(CultureInfo.InvariantCulture)).Append(',').Append(allocated.ToString(CultureInfo.InvariantCulture));
        writer.WriteLine(line);
    }
}

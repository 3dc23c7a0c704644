using System.Text;
using static Etl.Reliability.Tests.BadInput.BadDrop;
using static Etl.Reliability.Tests.BadInput.DropOutcome;

namespace Etl.Reliability.Tests.BadInput;

/// <summary>
/// The bad-input corpus: nasty ERP drops generated here (no data files), each with the outcome CONTRACTS.md
/// section 2 gives it. Rows are kept well below Drop:MinBadRowsToFail invalid ones so that an invalid record never
/// turns into a failed file by the bad-row guard.
/// </summary>
public static class BadDropCorpus
{
    private const string Inventory = "sku,warehouse,qty_available,qty_on_hand,qty_allocated";
    private const string Items = "sku,description,uom,product_class,weight_kg,active";
    private const string ListPrices = "sku,price_list,currency,list_price,uom,effective_date";

    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];
    private static readonly string TenThousand = new('x', 10_000);

    private const string InventoryA1 = """{"op":"upsert","sku":"A-1","warehouse":"MAIN","qty_available":5}""";
    private const string InventoryA2 = """{"op":"upsert","sku":"A-2","warehouse":"MAIN","qty_available":3}""";
    private const string ItemA1 = """{"op":"upsert","sku":"A-1","description":"Valve, brass","uom":"EA","product_class":"VALVES","weight_kg":0.25,"active":true}""";
    private const string PriceA1 = """{"op":"upsert","sku":"A-1","price_list":"STD","currency":"EUR","list_price":12.5,"uom":"EA","effective_date":"2026-12-01"}""";

    /// <summary>Every drop of the corpus.</summary>
    public static IEnumerable<BadDrop> All()
    {
        // ---- files that cannot be read as a whole: they fail ----
        yield return new BadDrop("inventory: semicolons instead of commas", "inventory",
            Bytes("sku;warehouse;qty_available;qty_on_hand;qty_allocated\nA-1;MAIN;5;5;0\n"), FileFails)
        {
            Line = 1, Column = "sku", Says = ["sku", "comma"],
        };
        yield return new BadDrop("items: a Latin-1 byte in a description", "items",
            Bytes(Items + "\n", "A-1,\"Valve, brass\",EA,VALVES,0.25,Y\n", "A-2,M", new byte[] { 0xFC }, "ller fitting,EA,FITTINGS,0.1,Y\n"), FileFails)
        {
            Line = 3, Column = "description", Says = ["UTF-8"],
        };
        yield return new BadDrop("inventory: a Latin-1 byte in a key on line 5,002 (after the first chunks)", "inventory",
            Bytes(Inventory + "\n", string.Concat(Enumerable.Range(0, 5000).Select(i => $"S-{i:D5},MAIN,1,1,0\n")), "B-1,K", new byte[] { 0xD6 }, "LN,1,1,0\n"), FileFails)
        {
            Line = 5002, Column = "warehouse", Says = ["UTF-8"],
        };
        yield return new BadDrop("list_prices: a Latin-1 byte in the header", "list_prices",
            Bytes(ListPrices + ",bemerkung_", new byte[] { 0xE4 }, "\nA-1,STD,EUR,12.50,EA,2026-12-01,x\n"), FileFails)
        {
            Line = 1, Says = ["UTF-8"],
        };
        yield return new BadDrop("items: a repeated column", "items",
            Bytes("sku,description,uom,product_class,weight_kg,active,description\nA-1,Valve,EA,VALVES,0.25,Y,Valve\n"), FileFails)
        {
            Line = 1, Column = "description", Says = ["description", "2 times"],
        };
        yield return new BadDrop("inventory: a column repeated in other case with blanks (' SKU ')", "inventory",
            Bytes(Inventory + ", SKU \nA-1,MAIN,5,5,0,A-1\n"), FileFails)
        {
            Line = 1, Column = "sku", Says = ["sku", "2 times"],
        };
        yield return new BadDrop("inventory: zero bytes", "inventory", [], FileFails)
        {
            Line = null, Says = ["empty", "header"],
        };
        yield return new BadDrop("inventory: an unquoted thousands separator splits a row", "inventory",
            Bytes(Inventory + "\nA-2,MAIN,3,3,0\nA-1,MAIN,1,000,1000,0\n"), FileFails)
        {
            Line = 3, Says = ["6 fields", "header has 5", "comma"],
        };

        // ---- a header but no rows: the entity stops ----
        yield return new BadDrop("inventory: a header only", "inventory", Bytes(Inventory + "\n"), EntityStops)
        {
            Says = ["header but no rows", "--allow-mass-removal"],
        };
        yield return new BadDrop("inventory: blank lines only after the header", "inventory", Bytes(Inventory + "\n\n   \n\r\n\t\n\n"), EntityStops)
        {
            Says = ["header but no rows", "--allow-mass-removal"],
        };

        // ---- files that are read; bad records are invalid, the rest is published ----
        yield return new BadDrop("inventory: a UTF-8 BOM at the start of line 3", "inventory",
            Bytes(Inventory + "\nA-1,MAIN,5,5,0\n", Bom, "A-2,MAIN,3,3,0\n"), Read)
        {
            Rows = 2, Published = $"[{InventoryA1},{InventoryA2}]",
        };
        yield return new BadDrop("inventory: a BOM at the start and CRLF line ends (Excel's CSV UTF-8)", "inventory",
            Bytes(Bom, Inventory + "\r\nA-1,MAIN,5,5,0\r\nA-2,MAIN,3,5,2\r\n"), Read)
        {
            Rows = 2, Published = $"[{InventoryA1},{InventoryA2}]",
        };
        yield return new BadDrop("list_prices: CRLF line ends (a date in the last column)", "list_prices",
            Bytes(ListPrices + "\r\nA-1,STD,EUR,12.50,EA,2026-12-01\r\nA-2,STD,EUR,x,EA,2026-12-01\r\n"), Read)
        {
            Rows = 2, Published = $"[{PriceA1}]",
            Invalid = [new(3, "list_price", "x", "conversion", "a number such as 12.50")],
        };
        yield return new BadDrop("items: a quoted description with a line break (the next row is physical line 4)", "items",
            Bytes(Items + "\nA-1,\"Valve,\nbrass 1/2\"\"\",EA,VALVES,0.25,Y\nA-2,Pipe,M,PIPES,-1,N\n"), Read)
        {
            Rows = 2,
            Published = """[{"op":"upsert","sku":"A-1","description":"Valve,\nbrass 1/2\"","uom":"EA","product_class":"VALVES","weight_kg":0.25,"active":true}]""",
            Invalid = [new(4, "weight_kg", "-1", "not_negative", "0 or more")],
        };
        yield return new BadDrop("items: CRLF line ends and a quoted CRLF in a description", "items",
            Bytes(Items + "\r\nA-1,\"Valve,\r\nbrass\",EA,VALVES,0.25,Y\r\nA-2,Pipe,M,PIPES,1.5,n\r\n"), Read)
        {
            Rows = 2,
            Published = """
                [{"op":"upsert","sku":"A-1","description":"Valve,\r\nbrass","uom":"EA","product_class":"VALVES","weight_kg":0.25,"active":true},
                 {"op":"upsert","sku":"A-2","description":"Pipe","uom":"M","product_class":"PIPES","weight_kg":1.5,"active":false}]
                """,
        };
        yield return new BadDrop("items: a 10,000-character description", "items",
            Bytes(Items + "\nA-1,\"Valve, brass\",EA,VALVES,0.25,Y\nA-2," + TenThousand + ",EA,VALVES,1,Y\n"), Read)
        {
            Rows = 2, Published = $"[{ItemA1}]",
            Invalid = [new(3, "description", TenThousand, "max_length", "200")],
        };
        yield return new BadDrop("inventory: a 10,000-character sku", "inventory",
            Bytes(Inventory + "\n" + TenThousand + ",MAIN,1,1,0\nA-1,MAIN,5,5,0\n"), Read)
        {
            Rows = 2, Published = $"[{InventoryA1}]",
            Invalid = [new(2, "sku", TenThousand, "max_length", "40")],
        };
        yield return new BadDrop("list_prices: a 10,000-digit price", "list_prices",
            Bytes(ListPrices + "\nA-1,STD,EUR,12.50,EA,2026-12-01\nA-2,STD,EUR," + new string('9', 10_000) + ",EA,2026-12-01\n"), Read)
        {
            Rows = 2, Published = $"[{PriceA1}]",
            Invalid = [new(3, "list_price", new string('9', 10_000), "conversion", "at most 14 digits")],
        };
        yield return new BadDrop("inventory: an unknown extra column, repeated", "inventory",
            Bytes(Inventory + ",note,note\nA-1,MAIN,5,5,0,a,b\n"), Read)
        {
            Rows = 1, Published = $"[{InventoryA1}]",
        };
        yield return new BadDrop("inventory: keys with leading and trailing blanks", "inventory",
            Bytes(Inventory + "\n   A-1  ,  MAIN ,  5 , 5,0 \n\tA-2\t,MAIN,3,3,0\n"), Read)
        {
            Rows = 2, Published = $"[{InventoryA1},{InventoryA2}]",
        };
        yield return new BadDrop("items: blanks around a key trimmed, around free text kept", "items",
            Bytes(Items + "\n  A-1 ,\"  Valve, brass  \", EA , VALVES , 0.25 , y \n"), Read)
        {
            Rows = 1,
            Published = """[{"op":"upsert","sku":"A-1","description":"  Valve, brass  ","uom":"EA","product_class":"VALVES","weight_kg":0.25,"active":true}]""",
        };
        yield return new BadDrop("inventory: a quoted thousands separator in a quantity", "inventory",
            Bytes(Inventory + "\nA-1,MAIN,5,5,0\nA-3,MAIN,\"1,000\",1000,0\n"), Read)
        {
            Rows = 2, Published = $"[{InventoryA1}]",
            Invalid = [new(3, "qty_available", "1,000", "conversion", "no thousands separators")],
        };
        yield return new BadDrop("list_prices: thousands separators in prices", "list_prices",
            Bytes(ListPrices + "\nA-1,STD,EUR,12.50,EA,2026-12-01\nA-2,STD,EUR,\"1,234.50\",EA,2026-12-01\nA-3,STD,EUR,1 234.50,EA,2026-12-01\nA-4,STD,EUR,1'234.50,EA,2026-12-01\n"), Read)
        {
            Rows = 4, Published = $"[{PriceA1}]",
            Invalid =
            [
                new(3, "list_price", "1,234.50", "conversion", "no thousands separators"),
                new(4, "list_price", "1 234.50", "conversion", "no thousands separators"),
                new(5, "list_price", "1'234.50", "conversion", "no thousands separators"),
            ],
        };
        yield return new BadDrop("list_prices: exponent notation", "list_prices",
            Bytes(ListPrices + "\nA-1,STD,EUR,12.50,EA,2026-12-01\nA-2,STD,EUR,1.5E2,EA,2026-12-01\nA-3,STD,EUR,1e3,EA,2026-12-01\nA-4,STD,EUR,125e-1,EA,2026-12-01\n"), Read)
        {
            Rows = 4, Published = $"[{PriceA1}]",
            Invalid =
            [
                new(3, "list_price", "1.5E2", "conversion", "exponents"),
                new(4, "list_price", "1e3", "conversion", "exponents"),
                new(5, "list_price", "125e-1", "conversion", "exponents"),
            ],
        };
        yield return new BadDrop("inventory: exponent notation in a quantity", "inventory",
            Bytes(Inventory + "\nA-1,MAIN,5,5,0\nA-3,MAIN,1E1,10,0\n"), Read)
        {
            Rows = 2, Published = $"[{InventoryA1}]",
            Invalid = [new(3, "qty_available", "1E1", "conversion", "a whole number")],
        };
        yield return new BadDrop("list_prices: dates in other formats", "list_prices",
            Bytes(ListPrices + "\nA-1,STD,EUR,12.50,EA,2026-12-01\n" + string.Concat(OtherDates.Select((d, i) => $"B-{i},STD,EUR,1,EA,{d}\n"))), Read)
        {
            Rows = 1 + OtherDates.Length, Published = $"[{PriceA1}]",
            Invalid = [.. OtherDates.Select((d, i) => new InvalidRow(3 + i, "effective_date", d, "conversion", "yyyy-MM-dd"))],
        };

        // ---- a file the ERP is still writing: left alone ----
        yield return new BadDrop("inventory: still being written (no .done, just written, last row cut off)", "inventory",
            Bytes(Inventory + "\nA-1,MAIN,5,5,0\nA-2,MA"), LeftForLater)
        {
            Settled = false,
            Environment = new Dictionary<string, string> { ["ETL_Drop__SettleTime"] = "00:01:00" },
            Says = ["still being written", "00:01:00", ".done"],
        };
    }

    /// <summary>Dates an ERP might write instead of yyyy-MM-dd.</summary>
    private static readonly string[] OtherDates = ["12/01/2026", "01.12.2026", "2026-1-5", "20261201", "2026-12-01T00:00:00", "Dec 1 2026", "2026-02-30"];

    /// <summary>The corpus as test cases for the outcome test (defects ignored by name).</summary>
    public static IEnumerable<TestCaseData> Outcomes() =>
        All().Select(d => Case(d, d.OutcomeDefect));

    /// <summary>The drops that leave a message, as test cases for the message test.</summary>
    public static IEnumerable<TestCaseData> Messages() =>
        All().Where(d => d.HasMessage).Select(d => Case(d, d.MessageDefect));

    /// <summary>The whole corpus, for the invariants that hold after any run.</summary>
    public static IEnumerable<TestCaseData> Every() => All().Select(d => Case(d, null));

    private static TestCaseData Case(BadDrop drop, string? defect)
    {
        var data = new TestCaseData(drop).SetArgDisplayNames(drop.Name);
        return defect is null ? data : data.Ignore(defect);
    }

    /// <summary>A short text for assertion messages.</summary>
    public static string Show(byte[] content) =>
        content.Length > 300 ? Encoding.UTF8.GetString(content, 0, 300) + "..." : Encoding.UTF8.GetString(content);
}

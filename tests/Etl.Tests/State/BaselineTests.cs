using System.Text;
using Etl.State;

namespace Etl.Tests.State;

public sealed class BaselineTests
{
    private const char Us = '\u001F';

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static Dictionary<string, string> Entries(Baseline baseline) => baseline.Entries().ToDictionary(StringComparer.Ordinal);

    private static Baseline RoundTrip(Baseline baseline) => Baseline.FromPages([.. baseline.ToPages().Select(p => p.ToArray())]);

    [Test]
    public void New_Empty()
    {
        var baseline = new Baseline();

        Assert.That(baseline.Count, Is.Zero);
        Assert.That(baseline.Entries(), Is.Empty);
        Assert.That(baseline.UnseenKeys(), Is.Empty);
        Assert.That(baseline.Find(Utf8("A")), Is.EqualTo(-1));
        Assert.That(baseline.ToPages(), Is.Empty);
    }

    [Test]
    public void Concatenate_Pages_JoinedInOrderUpToThePageSizeWithLargerOnesAloneAndEmptyOnesLeftOut()
    {
        byte[] Page(int size, byte fill) => Enumerable.Repeat(fill, size).ToArray();
        var half = Baseline.PageSize / 2;
        ReadOnlyMemory<byte>[] pages = [Page(10, 1), Page(0, 0), Page(20, 2), Page(half, 3), Page(half, 4), Page(Baseline.PageSize + 1, 5), Page(30, 6)];

        var joined = Baseline.Concatenate(pages).Select(p => p.ToArray()).ToList();

        Assert.That(joined.Select(p => p.Length), Is.EqualTo(new[] { 10 + 20 + half, half, Baseline.PageSize + 1, 30 }));
        Assert.That(joined.SelectMany(p => p), Is.EqualTo(pages.SelectMany(p => p.ToArray())), "every byte, in order");
    }

    [Test]
    public void PackChanges_AppliedOrUnpacked_SameAsTheChangesThemselves()
    {
        BaselineChange[] changes =
        [
            new("A", $"1{Us}MAIN"), new("B", null), new("Ünïcode-SKU", "größe"), new("C", ""), new("D", new string('x', 300)),
            new("A", null), new("B", "back"), new("", "empty key"),
        ];
        var before = Baseline.From([new("A", "0"), new("B", "2"), new("E", "5")]);
        var expected = Entries(RoundTrip(before).Apply(changes));

        var packed = Baseline.PackChanges(changes);

        Assert.That(Baseline.UnpackChanges(packed), Is.EqualTo(changes), "removals stay null, empty values stay empty");
        Assert.That(Entries(RoundTrip(before).ApplyPacked(packed)), Is.EqualTo(expected).And.ContainKey("B").And.Not.ContainKey("A"));
        Assert.That(Baseline.UnpackChanges(Baseline.PackChanges([])), Is.Empty);
    }

    [Test]
    public void Find_WithAGuess_TheGuessOnlyWhenItHoldsTheKey()
    {
        var baseline = Baseline.From([new("A", "1"), new("B", "2"), new("C", "3")]);
        var (a, b, c) = (baseline.Find(Utf8("A")), baseline.Find(Utf8("B")), baseline.Find(Utf8("C")));

        Assert.That(baseline.Find(Utf8("B"), guess: b), Is.EqualTo(b), "the right guess");
        Assert.That(baseline.Find(Utf8("B"), guess: c), Is.EqualTo(b), "a wrong guess: the index finds it");
        Assert.That(baseline.Find(Utf8("B"), guess: 99), Is.EqualTo(b), "a guess past the records");
        Assert.That(baseline.Find(Utf8("B"), guess: -1), Is.EqualTo(b), "a guess before them");
        Assert.That(baseline.Find(Utf8("Z"), guess: a), Is.EqualTo(-1), "a key it lacks");
        baseline.Set("B", null);
        Assert.That(baseline.Find(Utf8("B"), guess: b), Is.EqualTo(-1), "a removed key, even when guessed");
    }

    [Test]
    public void Set_NewKeys_FoundWithTheirValues()
    {
        var baseline = new Baseline();

        baseline.Set("A", "1");
        baseline.Set("B", "2");

        Assert.That(baseline.Count, Is.EqualTo(2));
        Assert.That(baseline.ValuesOf("A"), Is.EqualTo("1"));
        Assert.That(baseline.ValuesOf("B"), Is.EqualTo("2"));
        Assert.That(baseline.ValuesOf("C"), Is.Null);
        var record = baseline.Find(Utf8("B"));
        Assert.That(record, Is.GreaterThanOrEqualTo(0));
        Assert.That(baseline.KeyBytes(record).ToArray(), Is.EqualTo(Utf8("B")));
        Assert.That(baseline.ValueBytes(record).ToArray(), Is.EqualTo(Utf8("2")));
    }

    [Test]
    public void Set_SameKey_ValuesReplacedCountUnchanged()
    {
        var baseline = Baseline.From([new("A", "1"), new("B", "2")]);

        baseline.Set("A", "a much longer value than before");
        baseline.Set("A", "3");

        Assert.That(baseline.Count, Is.EqualTo(2));
        Assert.That(Entries(baseline), Is.EqualTo(new Dictionary<string, string> { ["A"] = "3", ["B"] = "2" }));
    }

    [Test]
    public void Set_Null_KeyRemovedEverywhere()
    {
        var baseline = Baseline.From([new("A", "1"), new("B", "2"), new("C", "3")]);

        baseline.Set("B", null);

        Assert.That(baseline.Count, Is.EqualTo(2));
        Assert.That(baseline.Find(Utf8("B")), Is.EqualTo(-1));
        Assert.That(baseline.ValuesOf("B"), Is.Null);
        Assert.That(Entries(baseline), Is.EqualTo(new Dictionary<string, string> { ["A"] = "1", ["C"] = "3" }));
        Assert.That(baseline.UnseenKeys(), Is.EquivalentTo(new[] { "A", "C" }));
    }

    [Test]
    public void Set_NullTwiceOrForAnUnknownKey_CountedOnce()
    {
        var baseline = Baseline.From([new("A", "1"), new("B", "2")]);

        baseline.Set("A", null);
        baseline.Set("A", null);
        baseline.Set("Z", null);

        Assert.That(baseline.Count, Is.EqualTo(1));
        Assert.That(Entries(baseline), Is.EqualTo(new Dictionary<string, string> { ["B"] = "2" }));
    }

    [Test]
    public void Set_DeletedKeyAgain_ReAddedWithTheNewValues()
    {
        var baseline = Baseline.From([new("A", "1"), new("B", "2")]);
        baseline.Set("A", null);

        baseline.Set("A", "again");

        Assert.That(baseline.Count, Is.EqualTo(2));
        Assert.That(baseline.ValuesOf("A"), Is.EqualTo("again"));
        Assert.That(Entries(baseline), Is.EqualTo(new Dictionary<string, string> { ["A"] = "again", ["B"] = "2" }));
        Assert.That(baseline.UnseenKeys(), Is.EquivalentTo(new[] { "A", "B" }));
    }

    [Test]
    public void Set_EmptyValues_KeptApartFromAMissingKey()
    {
        var baseline = new Baseline();

        baseline.Set("A", "");

        Assert.That(baseline.Count, Is.EqualTo(1));
        Assert.That(baseline.ValuesOf("A"), Is.EqualTo(""));
        Assert.That(RoundTrip(baseline).ValuesOf("A"), Is.EqualTo(""));
    }

    [Test]
    public void Find_Utf8Keys_NonAsciiAndCaseSensitive()
    {
        string[] keys = [$"Ä-2{Us}MAIN", $"ä-2{Us}MAIN", "日本語のキー", "emoji \U0001F529", $"A{Us}B", $"A{Us}b", "a", "A", ""];
        var baseline = new Baseline();
        for (var i = 0; i < keys.Length; i++) baseline.Set(keys[i], "v" + i);

        var found = keys.Select(k => baseline.Find(Utf8(k))).ToList();

        Assert.That(found, Is.All.GreaterThanOrEqualTo(0));
        Assert.That(found, Is.Unique);
        Assert.That(found.Select(r => Encoding.UTF8.GetString(baseline.ValueBytes(r))), Is.EqualTo(keys.Select((_, i) => "v" + i)));
        Assert.That(found.Select(r => Encoding.UTF8.GetString(baseline.KeyBytes(r))), Is.EqualTo(keys));
        Assert.That(baseline.Find(Utf8("Ä-2")), Is.EqualTo(-1));
        Assert.That(baseline.Find(Encoding.Latin1.GetBytes($"Ä-2{Us}MAIN")), Is.EqualTo(-1), "keys are UTF-8");
        Assert.That(baseline.Count, Is.EqualTo(keys.Length));
    }

    [Test]
    public void MarkSeen_SecondTime_False()
    {
        var baseline = Baseline.From([new("A", "1"), new("B", "2")]);
        var a = baseline.Find(Utf8("A"));

        Assert.That(baseline.MarkSeen(a), Is.True);
        Assert.That(baseline.MarkSeen(a), Is.False);
        Assert.That(baseline.MarkSeen(baseline.Find(Utf8("B"))), Is.True);
    }

    [Test]
    public void ClearSeen_EveryKeyUnseenAgain()
    {
        var baseline = Baseline.From([new("A", "1"), new("B", "2")]);
        baseline.MarkSeen(baseline.Find(Utf8("A")));
        baseline.MarkSeen(baseline.Find(Utf8("B")));

        baseline.ClearSeen();

        Assert.That(baseline.UnseenKeys(), Is.EquivalentTo(new[] { "A", "B" }));
        Assert.That(baseline.MarkSeen(baseline.Find(Utf8("A"))), Is.True);
    }

    [Test]
    public void UnseenKeys_TheKeysNotMarkedAndNotDeleted()
    {
        var baseline = Baseline.From([new("A", "1"), new("B", "2"), new("C", "3"), new("D", "4")]);
        baseline.MarkSeen(baseline.Find(Utf8("B")));
        baseline.Set("D", null);

        Assert.That(baseline.UnseenKeys(), Is.EquivalentTo(new[] { "A", "C" }));
    }

    [Test]
    public void MarkSeen_ThenValuesReplaced_StillSeen()
    {
        var baseline = Baseline.From([new("A", "1"), new("B", "2")]);
        baseline.MarkSeen(baseline.Find(Utf8("A")));

        baseline.Set("A", "changed");

        Assert.That(baseline.UnseenKeys(), Is.EqualTo(new[] { "B" }));
    }

    [Test]
    public void Add_KeySet_FalseWhenPresent()
    {
        var set = new Baseline();

        Assert.That(set.Add(Utf8("A")), Is.True);
        Assert.That(set.Add(Utf8("B")), Is.True);
        Assert.That(set.Add(Utf8("A")), Is.False);
        Assert.That(set.Count, Is.EqualTo(2));
        Assert.That(set.ValuesOf("A"), Is.EqualTo(""));
    }

    [Test]
    public void Add_KeyWithValues_FalseAndValuesKept()
    {
        var baseline = Baseline.From([new("A", "1")]);

        Assert.That(baseline.Add(Utf8("A")), Is.False);
        Assert.That(baseline.ValuesOf("A"), Is.EqualTo("1"));
    }

    [Test]
    public void Add_DeletedKey_TrueAndPresentAgain()
    {
        var baseline = Baseline.From([new("A", "1")]);
        baseline.Set("A", null);

        Assert.That(baseline.Add(Utf8("A")), Is.True);
        Assert.That(baseline.Count, Is.EqualTo(1));
        Assert.That(baseline.Find(Utf8("A")), Is.GreaterThanOrEqualTo(0));
    }

    [Test]
    public void Entries_AfterDeletesReplacementsAndReAdds_EachLiveKeyOnceWithItsLatestValues()
    {
        var baseline = new Baseline();
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        var rng = new Random(20261130);
        for (var i = 0; i < 20_000; i++)
        {
            var key = "K" + rng.Next(3_000);
            var values = rng.Next(4) == 0 ? null : "V" + i;
            baseline.Set(key, values);
            if (values is null) expected.Remove(key);
            else expected[key] = values;
        }

        var entries = baseline.Entries().ToList();

        Assert.That(entries.Select(e => e.Key), Is.Unique);
        Assert.That(entries.ToDictionary(StringComparer.Ordinal), Is.EqualTo(expected));
        Assert.That(baseline.Count, Is.EqualTo(expected.Count));
        Assert.That(baseline.UnseenKeys(), Is.EquivalentTo(expected.Keys));
    }

    [Test]
    public void Set_ManyKeys_AllFoundAfterTheIndexGrows()
    {
        var baseline = Baseline.From(Enumerable.Range(0, 100_000).Select(i => KeyValuePair.Create($"S{i:D6}{Us}MAIN", $"v{i}")));

        var missing = Enumerable.Range(0, 100_000).Where(i => baseline.ValuesOf($"S{i:D6}{Us}MAIN") != $"v{i}").Take(5);

        Assert.That(missing, Is.Empty);
        Assert.That(baseline.Count, Is.EqualTo(100_000));
        Assert.That(baseline.Find(Utf8($"S100000{Us}MAIN")), Is.EqualTo(-1));
    }

    // ---- pages ----

    [Test]
    public void ToPagesFromPages_RoundTrip_LiveEntriesOnly()
    {
        var baseline = Baseline.From([new($"Ä{Us}MAIN", "ä"), new("B", "2"), new("C", "3"), new("D", "")]);
        baseline.Set("B", null);
        baseline.Set("C", "3 replaced");

        var pages = baseline.ToPages().Select(p => p.ToArray()).ToList();
        var loaded = Baseline.FromPages(pages);

        Assert.That(Entries(loaded), Is.EqualTo(new Dictionary<string, string> { [$"Ä{Us}MAIN"] = "ä", ["C"] = "3 replaced", ["D"] = "" }));
        Assert.That(loaded.Count, Is.EqualTo(3));
        Assert.That(pages, Has.Count.EqualTo(1));
        Assert.That(pages[0].Length, Is.LessThan(64), "deleted and replaced records are not written");
        Assert.That(loaded.UnseenKeys().Count(), Is.EqualTo(3));
    }

    [Test]
    public void FromPages_NoPages_Empty()
    {
        var loaded = Baseline.FromPages([]);

        Assert.That(loaded.Count, Is.Zero);
        Assert.That(loaded.Entries(), Is.Empty);
        loaded.Set("A", "1");
        Assert.That(loaded.ValuesOf("A"), Is.EqualTo("1"));
    }

    [Test]
    public void FromPages_ChangesOfLaterRunsAsFurtherPages_LatestRecordWinsAtItsKeysFirstPlace()
    {
        // A full page, then two runs' changes as further pages (as state/etl.db keeps them): B removed then added
        // again, A replaced then removed, C replaced twice, D added then removed.
        var pages = Baseline.From([new("A", "1"), new("B", "2"), new("C", "3")]).ToPages().Select(p => p.ToArray()).ToList();
        pages.AddRange(Run(pages, b => b.Apply([new("B", null), new("A", "1b"), new("C", "3b"), new("D", "4")])));
        pages.AddRange(Run(pages, b => b.Apply([new("B", "2c"), new("A", null), new("C", "3c"), new("D", null), new("E", "5")])));

        var loaded = Baseline.FromPages(pages);

        Assert.That(Entries(loaded), Is.EqualTo(new Dictionary<string, string> { ["B"] = "2c", ["C"] = "3c", ["E"] = "5" }));
        Assert.That(loaded.Count, Is.EqualTo(3));
        AssertLiveBytesAsWrittenAfresh(loaded);
        Assert.That(loaded.UnseenKeys().Order(), Is.EqualTo(new[] { "B", "C", "E" }));
        Assert.That((loaded.Find(Utf8("B")), loaded.Find(Utf8("C"))), Is.EqualTo((1, 2)),
            "a key keeps the place of its first record, so the drop's order still guesses it");
        Assert.That(loaded.Find(Utf8("C"), guess: 2), Is.EqualTo(2));
        Assert.That(loaded.Find(Utf8("A")), Is.EqualTo(-1));
        Assert.That(loaded.Find(Utf8("D")), Is.EqualTo(-1));
        Assert.That(Entries(RoundTrip(loaded)), Is.EqualTo(Entries(loaded)));

        static IEnumerable<byte[]> Run(List<byte[]> stored, Action<Baseline> change)
        {
            var baseline = Baseline.FromPages(stored);
            change(baseline);
            return baseline.ChangedPages().Select(p => p.ToArray()).ToList();
        }
    }

    [Test]
    public void FromPages_WithTheIndexOfItsFullSet_SameKeysValuesAndPlacesAsWithout([Values(1, 7, 23)] int seed)
    {
        // A full set written after removals and additions (its records renumbered), its index, then two runs' changes
        // as further pages: the index covers the full set only, the later records are placed as without it.
        var random = new Random(seed);
        var baseline = Baseline.From(Enumerable.Range(0, 5000).Select(i => KeyValuePair.Create($"K{i}", $"v{i}")));
        for (var i = 0; i < 800; i++) baseline.Set($"K{random.Next(5000)}", random.Next(3) == 0 ? null : $"w{i}");
        for (var i = 0; i < 300; i++) baseline.Set($"N{i}", $"n{i}");
        var pages = baseline.ToPages().Select(p => p.ToArray()).ToList();
        var index = baseline.IndexOfPages(pages.Count);
        BaselineIndex Stored() => index with { Slots = [.. index.Slots] }; // as read from state/etl.db for each load
        for (var run = 0; run < 2; run++)
        {
            var changed = Baseline.FromPages(pages, Stored());
            for (var i = 0; i < 400; i++) changed.Set($"{(random.Next(2) == 0 ? "K" : "M")}{random.Next(6000)}", random.Next(4) == 0 ? null : $"r{run}-{i}");
            pages.AddRange(changed.ChangedPages().Select(p => p.ToArray()));
        }

        var withIndex = Baseline.FromPages(pages, Stored());
        var without = Baseline.FromPages(pages);

        Assert.That(withIndex.IndexedAtLoad, Is.EqualTo(baseline.Count), "the full set's records came from the index");
        Assert.That(Entries(withIndex), Is.EqualTo(Entries(without)));
        Assert.That(withIndex.Count, Is.EqualTo(without.Count));
        AssertLiveBytesAsWrittenAfresh(withIndex);
        AssertLiveBytesAsWrittenAfresh(without);
        foreach (var key in Enumerable.Range(0, 6000).SelectMany(i => new[] { $"K{i}", $"M{i}", $"N{i}" }))
        {
            Assert.That(withIndex.Find(Utf8(key)), Is.EqualTo(without.Find(Utf8(key))), key);
        }
        withIndex.Set("K1", "changed");
        withIndex.Set("Z-new", "added");
        Assert.That((withIndex.ValuesOf("K1"), withIndex.ValuesOf("Z-new")), Is.EqualTo(("changed", "added")));
    }

    [Test]
    public void FromPages_LaterPagesOfManySmallerRecords_AllLoaded()
    {
        // A load sizes its arrays by the first page's records; later pages of many small ones make them grow.
        var pages = Baseline.From(Enumerable.Range(0, 10).Select(i => KeyValuePair.Create($"L{i}", new string('x', 10_000)))).ToPages().Select(p => p.ToArray()).ToList();
        var changed = Baseline.FromPages(pages);
        changed.Apply([.. Enumerable.Range(0, 2000).Select(i => new BaselineChange($"S{i}", $"{i}")), new BaselineChange("L3", null)]);
        pages.AddRange(changed.ChangedPages().Select(p => p.ToArray()));

        var loaded = Baseline.FromPages(pages);

        Assert.That(loaded.Count, Is.EqualTo(2009));
        Assert.That(Entries(loaded), Is.EqualTo(Entries(changed)));
        AssertLiveBytesAsWrittenAfresh(loaded);
    }

    /// <summary>
    /// A loaded baseline counts the bytes its live records would take written afresh (what <see cref="Baseline.ShouldCompact"/>
    /// weighs the stored pages against): compacting starts exactly where the pages and the added bytes pass twice those.
    /// </summary>
    private static void AssertLiveBytesAsWrittenAfresh(Baseline loaded)
    {
        var live = loaded.ToPages().Sum(page => (long)page.Length);
        var threshold = 2 * live - loaded.StoredBytes;
        Assert.That((loaded.ShouldCompact(threshold), loaded.ShouldCompact(threshold + 1)), Is.EqualTo((false, true)), "the live bytes as loaded");
    }

    [Test]
    public void FromPages_IndexThatDoesNotFitThePages_IsLeftAside()
    {
        var first = Baseline.From(Enumerable.Range(0, 3000).Select(i => KeyValuePair.Create($"A{i}", $"a{i}")));
        var second = Baseline.From(Enumerable.Range(0, 3000).Select(i => KeyValuePair.Create($"B{i}", $"b{i}")));
        var pages = second.ToPages().Select(p => p.ToArray()).ToList();
        var expected = Entries(Baseline.FromPages(pages));

        var wrongKeys = Baseline.FromPages(pages, first.IndexOfPages(pages.Count));
        var fewerKeys = Baseline.FromPages(pages, Baseline.From([new("B1", "b1")]).IndexOfPages(pages.Count));
        var morePages = Baseline.FromPages(pages, second.IndexOfPages(pages.Count + 1));

        foreach (var loaded in new[] { wrongKeys, fewerKeys, morePages })
        {
            Assert.That(loaded.IndexedAtLoad, Is.Zero);
            Assert.That(Entries(loaded), Is.EqualTo(expected));
            Assert.That(loaded.ValuesOf("B2999"), Is.EqualTo("b2999"));
            Assert.That(loaded.ValuesOf("A1"), Is.Null);
        }
    }

    [Test]
    public void FromPages_IndexOverPagesOfTombstones_IsLeftAside()
    {
        // The same keys, in the same order and number as the index holds them, but every one of them removed: only the
        // tombstones tell the index does not fit.
        var full = Baseline.From(Enumerable.Range(0, 3000).Select(i => KeyValuePair.Create($"B{i}", $"b{i}")));
        var index = full.IndexOfPages(1);
        var removed = RoundTrip(full).Apply(Enumerable.Range(0, 3000).Select(i => new BaselineChange($"B{i}", null)));
        var tombstones = removed.ChangedPages().Select(p => p.ToArray()).ToList();

        var loaded = Baseline.FromPages(tombstones, index);

        Assert.That(tombstones, Has.Count.EqualTo(1));
        Assert.That(loaded.IndexedAtLoad, Is.Zero);
        Assert.That(loaded.Count, Is.Zero);
        Assert.That(loaded.ValuesOf("B1"), Is.Null);
    }

    [Test]
    public void FromPages_ThenChanged_ChangesKeptAndRoundTripAgain()
    {
        var loaded = RoundTrip(Baseline.From(Enumerable.Range(0, 1000).Select(i => KeyValuePair.Create($"K{i}", $"v{i}"))));

        loaded.Set("K1", null);
        loaded.Set("K2", "changed");
        loaded.Set("NEW", "new");
        loaded.MarkSeen(loaded.Find(Utf8("K3")));

        Assert.That(loaded.Count, Is.EqualTo(1000));
        Assert.That(loaded.ValuesOf("K2"), Is.EqualTo("changed"));
        Assert.That(loaded.UnseenKeys().Count(), Is.EqualTo(999), "K1 is gone, NEW is new and K3 was seen");
        var again = RoundTrip(loaded);
        Assert.That(Entries(again), Is.EqualTo(Entries(loaded)));
        Assert.That(again.ValuesOf("K1"), Is.Null);
        Assert.That(again.ValuesOf("NEW"), Is.EqualTo("new"));
    }

    [Test]
    public void ToPages_ManyRecords_CutAtThePageSize()
    {
        var baseline = Baseline.From(Enumerable.Range(0, 300_000).Select(i => KeyValuePair.Create($"S{i:D7}{Us}MAIN", $"V{i:D19}")));

        var pages = baseline.ToPages().Select(p => p.ToArray()).ToList();
        var loaded = Baseline.FromPages(pages);

        Assert.That(pages, Has.Count.GreaterThan(1));
        Assert.That(pages.Select(p => p.Length), Is.All.LessThanOrEqualTo(Baseline.PageSize));
        Assert.That(pages.Sum(p => (long)p.Length), Is.EqualTo(300_000L * (1 + 13 + 1 + 20)), "a record is a length, the key, a length and the values");
        Assert.That(loaded.Count, Is.EqualTo(300_000));
        Assert.That(Enumerable.Range(0, 300_000).Where(i => loaded.ValuesOf($"S{i:D7}{Us}MAIN") != $"V{i:D19}").Take(5), Is.Empty);
    }

    [Test]
    public void ToPagesFromPages_RecordLargerThanAPage_GetsAPageOfItsOwn()
    {
        var huge = new string('x', Baseline.PageSize + 1000);
        var baseline = Baseline.From([new("small-1", "1"), new("huge", huge), new("small-2", "2")]);

        var pages = baseline.ToPages().Select(p => p.ToArray()).ToList();
        var loaded = Baseline.FromPages(pages);

        Assert.That(pages.Where(p => p.Length > Baseline.PageSize).Select(p => Baseline.FromPages([p]).Count), Is.EqualTo(new[] { 1 }),
            "only the huge record's page is larger than a page, and it holds that record alone");
        Assert.That(loaded.Count, Is.EqualTo(3));
        Assert.That(loaded.ValuesOf("huge"), Is.EqualTo(huge));
        Assert.That(loaded.ValuesOf("small-1"), Is.EqualTo("1"));
        Assert.That(loaded.ValuesOf("small-2"), Is.EqualTo("2"));
    }

    [Test]
    public void ToPagesFromPages_RecordLargerThanAPageFirstAndLast_RoundTrips()
    {
        var first = new string('a', Baseline.PageSize * 2);
        var last = new string('z', Baseline.PageSize + 1);
        var baseline = Baseline.From([new("first", first), new("middle", "m"), new("last", last)]);

        var loaded = RoundTrip(baseline);

        Assert.That(loaded.Count, Is.EqualTo(3));
        Assert.That(loaded.ValuesOf("first"), Is.EqualTo(first));
        Assert.That(loaded.ValuesOf("middle"), Is.EqualTo("m"));
        Assert.That(loaded.ValuesOf("last"), Is.EqualTo(last));
    }
}

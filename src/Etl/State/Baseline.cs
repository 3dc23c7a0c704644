using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text;

namespace Etl.State;

/// <summary>
/// What the portal is believed to hold for one entity, in a compact form: each key with its canonical portal values
/// (UTF-8, fields joined with a unit separator) packed into large byte pages, found through an open-addressing hash
/// index. A million inventory keys take about 60 MB (and 16 MB for the stored index) and load in about a fifth of a
/// second; no object per key.
/// <para>
/// A record in a page is: varint key length, key bytes, varint (values length + 1), values bytes; a 0 instead of the
/// values length is a tombstone (the key was removed). The pages are what state/etl.db stores (see
/// <see cref="StateStore"/>): a full set, then the changes of later runs as further pages, read in order, until a
/// run writes a full set again (<see cref="ShouldCompact"/>). While a run diffs, <see cref="MarkSeen"/> notes the keys
/// its drop carries; the others are the removals.
/// </para>
/// </summary>
/// <remarks>Its record accessors are marked for inlining, as <see cref="Outbound.Columns.RowChunk"/>'s are (see there).</remarks>
public sealed class Baseline
{
    /// <summary>The size a page is cut at when written (a larger record gets a page of its own).</summary>
    public const int PageSize = 4 << 20;

    private const byte Seen = 1;
    private const byte Deleted = 2;
    private const byte Changed = 4;

    /// <summary>While pages load: a stored record that is a tombstone.</summary>
    private const byte Tombstone = 8;

    private readonly List<byte[]> _pages = [];
    private byte[]? _tail;
    private int _tailUsed;
    private int _nextPageSize = 1 << 16;
    private long[] _locations;
    private byte[] _flags;
    private int _records;
    private ulong[] _slots;
    private readonly List<int> _changed = [];
    private long _liveBytes;

    /// <summary>The keys it holds.</summary>
    public int Count { get; private set; }

    /// <summary>The journal position this baseline includes (see <see cref="StateStore"/>).</summary>
    public long JournalMark { get; internal set; }

    /// <summary>How many pages state/etl.db holds for it.</summary>
    public int StoredPages { get; private set; }

    /// <summary>How many bytes those pages hold.</summary>
    public long StoredBytes { get; private set; }

    /// <summary>How many of the loaded records a stored index placed (0: each was hashed and placed).</summary>
    internal int IndexedAtLoad { get; private set; }

    /// <summary>Whether keys were set or removed since it was loaded or stored.</summary>
    public bool HasChanges => _changed.Count > 0;

    /// <summary>Builds a baseline from stored pages, in order (a later record of a key replaces or removes the earlier one).</summary>
    /// <remarks>
    /// Every stored record first gets a record number in page order (so that <see cref="Find(ReadOnlySpan{byte}, int)"/>'s
    /// guess follows the previous drop), then the records are indexed in the order of their slots, so that the index is
    /// filled front to back instead of at random places, and a key is read from its page only when a hash matches
    /// (a million keys: 0.17 s instead of 0.27 s). A later record of a key hands its location to the first one and
    /// stays behind as a dead (removed) record. With the <paramref name="index"/> of the first pages (see
    /// <see cref="IndexOfPages"/>), only the records of the pages after them are hashed and placed; its slots then
    /// become the baseline's own (and change with it).
    /// </remarks>
    public static Baseline FromPages(IReadOnlyList<byte[]> pages, BaselineIndex? index = null)
    {
        var indexedPages = index is not null && index.Pages <= pages.Count ? index.Pages : 0;
        var indexedRecords = 0;
        var baseline = new Baseline(EstimateRecords(pages), withSlots: false);
        var hashes = GC.AllocateUninitializedArray<uint>(baseline._locations.Length); // only the records hashed are read
        foreach (var page in pages)
        {
            var pageIndex = baseline._pages.Count;
            baseline._pages.Add(page);
            var offset = 0;
            while (offset < page.Length)
            {
                if (baseline._records == baseline._locations.Length) baseline.GrowWhileLoading(ref hashes);
                var record = baseline._records++;
                var start = offset;
                baseline._locations[record] = Location(pageIndex, offset);
                var key = ReadKey(page, ref offset);
                if (pageIndex >= indexedPages) hashes[record] = Hash(key);
                ReadValues(page, ref offset, out var removed);
                if (removed)
                {
                    baseline._flags[record] = Tombstone;
                    continue;
                }
                // Counted as live until a later record of its key says otherwise (see IndexStored).
                baseline.Count++;
                baseline._liveBytes += offset - start;
            }
            if (pageIndex + 1 == indexedPages) indexedRecords = baseline._records;
        }
        if (indexedRecords == 0 || !baseline.TakeIndex(index!.Slots, indexedRecords))
        {
            baseline._slots = new ulong[SlotsFor(baseline._records)];
            for (var r = 0; r < indexedRecords; r++) hashes[r] = Hash(baseline.KeyBytes(r));
            indexedRecords = 0;
        }
        foreach (var record in baseline.InSlotOrder(hashes, indexedRecords)) baseline.IndexStored(record, hashes[record]);
        baseline.StoredPages = pages.Count;
        baseline.StoredBytes = pages.Sum(p => (long)p.Length);
        return baseline;
    }

    /// <summary>
    /// The index of the live records as <see cref="ToPages"/> writes them (numbered in that order), to be stored beside
    /// those pages and handed back to <see cref="FromPages"/>: a load then copies it instead of hashing and placing
    /// every key.
    /// </summary>
    public BaselineIndex IndexOfPages(int pages)
    {
        var numbers = new int[_records];
        var live = 0;
        for (var r = 0; r < _records; r++) numbers[r] = (_flags[r] & Deleted) != 0 ? -1 : live++;
        var slots = new ulong[SlotsFor(live)];
        var placed = 0;
        foreach (var entry in _slots)
        {
            if (entry == 0) continue;
            var number = numbers[RecordOf(entry)];
            if (number < 0) continue;
            var hash = HashOf(entry);
            slots[Free(slots, hash)] = Slot(hash, number);
            placed++;
        }
        if (placed != live) throw new InvalidOperationException($"The baseline index holds {placed} live keys of {live}.");
        return new BaselineIndex(pages, slots);
    }

    /// <summary>
    /// Takes a stored index of the first <paramref name="records"/> records if it fits them: as many keys as records,
    /// no tombstone among them, and the keys of a sample of its slots hash as the slots say; false otherwise (the
    /// records are then indexed afresh).
    /// </summary>
    private bool TakeIndex(ulong[] slots, int records)
    {
        if (slots.Length > SlotsFor(_records) || !System.Numerics.BitOperations.IsPow2(slots.Length)) return false;
        for (var r = 0; r < records; r++)
        {
            if (_flags[r] != 0) return false;
        }
        var held = 0;
        foreach (var entry in slots)
        {
            if (entry == 0) continue;
            var record = RecordOf(entry);
            if ((uint)record >= (uint)records) return false;
            if (held++ % 4096 == 0 && Hash(KeyBytes(record)) != HashOf(entry)) return false;
        }
        if (held != records) return false;
        _slots = slots;
        IndexedAtLoad = records;
        while (_slots.Length < SlotsFor(_records)) Grow();
        return true;
    }

    /// <summary>An empty baseline.</summary>
    public Baseline()
        : this(64)
    {
    }

    private Baseline(int capacity, bool withSlots = true)
    {
        capacity = Math.Max(capacity, 64);
        _locations = new long[capacity];
        _flags = new byte[capacity];
        _slots = withSlots ? new ulong[SlotsFor(capacity)] : [];
    }

    /// <summary>The index size for a number of records: a power of two, at most 70% full.</summary>
    private static int SlotsFor(int records) => (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(Math.Max(records, 64) * 10L / 7 + 1));

    /// <summary>Builds a baseline from key → values pairs (tests, small entities).</summary>
    public static Baseline From(IEnumerable<KeyValuePair<string, string>> entries)
    {
        var baseline = new Baseline();
        foreach (var (key, values) in entries) baseline.Set(key, values);
        return baseline;
    }

    /// <summary>
    /// The record holding a key (UTF-8), or -1. <paramref name="guess"/> is tried first: a drop usually comes in the
    /// order of the previous one, so the record after the last one found is mostly right and spares a hash lookup.
    /// </summary>
    public int Find(ReadOnlySpan<byte> key, int guess)
    {
        if ((uint)guess < (uint)_records && (_flags[guess] & Deleted) == 0 && KeyBytes(guess).SequenceEqual(key)) return guess;
        return Find(key);
    }

    /// <summary>The record holding a key (UTF-8), or -1.</summary>
    public int Find(ReadOnlySpan<byte> key)
    {
        var record = Lookup(key, Hash(key), out _);
        return record >= 0 && (_flags[record] & Deleted) == 0 ? record : -1;
    }

    /// <summary>The values a key holds, or null.</summary>
    public string? ValuesOf(string key)
    {
        var record = Find(Encoding.UTF8.GetBytes(key));
        return record < 0 ? null : Encoding.UTF8.GetString(ValueBytes(record));
    }

    /// <summary>A record's key bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> KeyBytes(int record)
    {
        var (page, offset) = Split(_locations[record]);
        var length = ReadLength(page, ref offset);
        return page.AsSpan(offset, length);
    }

    /// <summary>A record's values bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> ValueBytes(int record)
    {
        var (page, offset) = Split(_locations[record]);
        var keyLength = ReadLength(page, ref offset);
        offset += keyLength;
        var length = ReadLength(page, ref offset) - 1;
        return page.AsSpan(offset, length);
    }

    /// <summary>Notes that the current drop carries a record's key; false when it was noted before (a repeated key).</summary>
    public bool MarkSeen(int record)
    {
        if ((_flags[record] & Seen) != 0) return false;
        _flags[record] |= Seen;
        return true;
    }

    /// <summary>Forgets every <see cref="MarkSeen"/> (a second pass over the drop).</summary>
    public void ClearSeen()
    {
        for (var r = 0; r < _records; r++) _flags[r] &= unchecked((byte)~Seen);
    }

    /// <summary>Adds a key with no values unless present; false when it was present (a set of keys).</summary>
    public bool Add(ReadOnlySpan<byte> key)
    {
        var hash = Hash(key);
        var record = Lookup(key, hash, out var free);
        if (record >= 0 && (_flags[record] & Deleted) == 0) return false;
        Store(key, [], hash, record, free);
        return true;
    }

    /// <summary>Sets a key's values, or removes the key when <paramref name="values"/> is null.</summary>
    public void Set(string key, string? values) =>
        Set(Encoding.UTF8.GetBytes(key), values is null ? [] : Encoding.UTF8.GetBytes(values), removed: values is null);

    /// <summary>Sets or removes (null values) each key in order; returns this baseline.</summary>
    public Baseline Apply(IEnumerable<BaselineChange> changes)
    {
        foreach (var change in changes) Set(change.Key, change.Values);
        return this;
    }

    /// <summary>Sets or removes each key of a page of changes (see <see cref="PackChanges"/>) in order; returns this baseline.</summary>
    public Baseline ApplyPacked(byte[] changes)
    {
        for (var offset = 0; offset < changes.Length;)
        {
            var key = ReadKey(changes, ref offset);
            var values = ReadValues(changes, ref offset, out var removed);
            Set(key, values, removed);
        }
        return this;
    }

    /// <summary>
    /// Changes packed as one page of records (a removal as a tombstone): how a run's staged payloads keep them until they
    /// are stored (<see cref="StateStore.AdvanceBaseline"/>), one array a payload instead of two strings a record that
    /// every garbage collection of the run would copy.
    /// </summary>
    public static byte[] PackChanges(IReadOnlyCollection<BaselineChange> changes)
    {
        var size = 0;
        foreach (var change in changes)
        {
            var key = Encoding.UTF8.GetByteCount(change.Key);
            size += change.Values is null ? RecordSize(key, 0) : RecordSize(key, Encoding.UTF8.GetByteCount(change.Values));
        }
        var page = new byte[size];
        var used = 0;
        foreach (var change in changes)
        {
            used = WriteText(page, used, change.Key, 0);
            used = change.Values is null ? WriteLength(page, used, 0) : WriteText(page, used, change.Values, 1);
        }
        return page;
    }

    /// <summary>The changes of a page of them (see <see cref="PackChanges"/>), as text, in order.</summary>
    public static IEnumerable<BaselineChange> UnpackChanges(byte[] changes)
    {
        for (var offset = 0; offset < changes.Length;)
        {
            var key = Encoding.UTF8.GetString(ReadKey(changes, ref offset));
            var values = ReadValues(changes, ref offset, out var removed);
            yield return new BaselineChange(key, removed ? null : Encoding.UTF8.GetString(values));
        }
    }

    private void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> values, bool removed)
    {
        var hash = Hash(key);
        var record = Lookup(key, hash, out var free);
        if (removed) Remove(record);
        else Store(key, values, hash, record, free);
    }

    /// <summary>The keys not marked seen, as text.</summary>
    public IEnumerable<string> UnseenKeys()
    {
        for (var r = 0; r < _records; r++)
        {
            if ((_flags[r] & (Seen | Deleted)) == 0) yield return Encoding.UTF8.GetString(KeyBytes(r));
        }
    }

    /// <summary>Every key with its values, as text.</summary>
    public IEnumerable<KeyValuePair<string, string>> Entries()
    {
        for (var r = 0; r < _records; r++)
        {
            if ((_flags[r] & Deleted) == 0) yield return new(Encoding.UTF8.GetString(KeyBytes(r)), Encoding.UTF8.GetString(ValueBytes(r)));
        }
    }

    /// <summary>The live records packed into pages of at most <see cref="PageSize"/> bytes (unless one record is larger).</summary>
    public IEnumerable<ReadOnlyMemory<byte>> ToPages() => Pack(Enumerable.Range(0, _records).Where(r => (_flags[r] & Deleted) == 0));

    /// <summary>The keys set or removed since it was loaded or stored (removed ones as tombstones), packed into pages.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> ChangedPages() => Pack(_changed);

    /// <summary>
    /// Whether storing should write every live record afresh rather than add the changes: when the stored pages plus
    /// the changes (and <paramref name="added"/> bytes of changes it has not taken) would be more than twice what the
    /// live records take.
    /// </summary>
    public bool ShouldCompact(long added) => StoredPages == 0 || StoredBytes + _changed.Sum(r => (long)StoredSize(r)) + added > 2 * _liveBytes;

    /// <summary>Pages of records joined, in order, into pages of up to <see cref="PageSize"/> bytes (a larger one stays as it is); empty ones are left out.</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> Concatenate(IEnumerable<ReadOnlyMemory<byte>> pages)
    {
        var group = new List<ReadOnlyMemory<byte>>();
        var size = 0L;
        foreach (var page in pages.Where(p => !p.IsEmpty))
        {
            if (group.Count > 0 && size + page.Length > PageSize)
            {
                yield return Join(group);
                group.Clear();
                size = 0;
            }
            group.Add(page);
            size += page.Length;
        }
        if (group.Count > 0) yield return Join(group);
    }

    private static ReadOnlyMemory<byte> Join(List<ReadOnlyMemory<byte>> pages)
    {
        if (pages.Count == 1) return pages[0];
        var joined = new byte[pages.Sum(p => p.Length)];
        var used = 0;
        foreach (var page in pages)
        {
            page.Span.CopyTo(joined.AsSpan(used));
            used += page.Length;
        }
        return joined;
    }

    /// <summary>Notes that the pages written (all of them, or the changes added) are stored.</summary>
    public void MarkStored(bool compacted, int pages, long bytes)
    {
        StoredPages = (compacted ? 0 : StoredPages) + pages;
        StoredBytes = (compacted ? 0 : StoredBytes) + bytes;
        foreach (var r in _changed) _flags[r] &= unchecked((byte)~Changed);
        _changed.Clear();
    }

    private IEnumerable<ReadOnlyMemory<byte>> Pack(IEnumerable<int> records)
    {
        var page = Array.Empty<byte>();
        var used = 0;
        foreach (var r in records)
        {
            var size = StoredSize(r);
            if (used + size > page.Length)
            {
                if (used > 0) yield return page.AsMemory(0, used);
                page = new byte[Math.Max(PageSize, size)];
                used = 0;
            }
            used = (_flags[r] & Deleted) != 0 ? WriteTombstone(page, used, KeyBytes(r)) : WriteRecord(page, used, KeyBytes(r), ValueBytes(r));
        }
        if (used > 0) yield return page.AsMemory(0, used);
    }

    /// <summary>The bytes a record takes in a page: its key and values, or its key and a tombstone once removed.</summary>
    private int StoredSize(int record)
    {
        var key = KeyBytes(record).Length;
        return (_flags[record] & Deleted) != 0 ? LengthSize(key) + key + 1 : RecordSize(key, ValueBytes(record).Length);
    }

    private void Remove(int record)
    {
        if (record < 0 || (_flags[record] & Deleted) != 0) return;
        _liveBytes -= StoredSize(record);
        _flags[record] |= Deleted;
        Count--;
        NoteChanged(record);
    }

    private void Replace(int record, long location)
    {
        if ((_flags[record] & Deleted) != 0) Count++;
        else _liveBytes -= StoredSize(record);
        _locations[record] = location;
        _flags[record] &= unchecked((byte)~Deleted);
        _liveBytes += StoredSize(record);
    }

    private void NoteChanged(int record)
    {
        if ((_flags[record] & Changed) != 0) return;
        _flags[record] |= Changed;
        _changed.Add(record);
    }

    private void Store(ReadOnlySpan<byte> key, ReadOnlySpan<byte> values, uint hash, int existing, int free)
    {
        var size = RecordSize(key.Length, values.Length);
        if (_tail is null || _tailUsed + size > _tail.Length)
        {
            _tail = new byte[Math.Max(_nextPageSize, size)];
            _nextPageSize = Math.Min(PageSize, _nextPageSize * 2);
            _pages.Add(_tail);
            _tailUsed = 0;
        }
        var location = Location(_pages.Count - 1, _tailUsed);
        _tailUsed = WriteRecord(_tail, _tailUsed, key, values);
        if (existing >= 0) Replace(existing, location);
        else existing = Insert(hash, location, free);
        NoteChanged(existing);
    }

    /// <summary>Adds a record for a key <see cref="Lookup"/> did not find, at the free slot it gave (unless the index grows).</summary>
    private int Insert(uint hash, long location, int free)
    {
        if (_records == _locations.Length)
        {
            Array.Resize(ref _locations, _records * 2);
            Array.Resize(ref _flags, _records * 2);
        }
        var record = _records++;
        _locations[record] = location;
        Count++;
        _liveBytes += StoredSize(record);
        if (_records * 10L > _slots.Length * 7L)
        {
            Grow();
            free = Free(_slots, hash);
        }
        _slots[free] = Slot(hash, record);
        return record;
    }

    /// <summary>While pages load: indexes a stored record, or hands its location to the earlier record of its key.</summary>
    private void IndexStored(int record, uint hash)
    {
        var tombstone = (_flags[record] & Tombstone) != 0;
        var earlier = Probe(hash, [], record, out var free);
        if (earlier < 0)
        {
            if (tombstone) _flags[record] = Deleted;
            else _slots[free] = Slot(hash, record);
            return;
        }
        if ((_flags[earlier] & Deleted) == 0)
        {
            // The key's live record is now this one's (it takes the earlier record's number), or none.
            Count--;
            _liveBytes -= StoredSize(earlier);
        }
        _flags[record] = Deleted;
        if (tombstone) _flags[earlier] |= Deleted;
        else
        {
            _locations[earlier] = _locations[record];
            _flags[earlier] &= unchecked((byte)~Deleted);
        }
    }

    /// <summary>The stored records from <paramref name="first"/> on in the order of their home slots (records of one key keep their page order).</summary>
    private int[] InSlotOrder(uint[] hashes, int first)
    {
        var shift = Math.Max(0, System.Numerics.BitOperations.Log2((uint)_slots.Length) - 16);
        var mask = (uint)_slots.Length - 1;
        var starts = new int[(_slots.Length >> shift) + 1];
        for (var r = first; r < _records; r++) starts[((hashes[r] & mask) >> shift) + 1]++;
        for (var b = 1; b < starts.Length; b++) starts[b] += starts[b - 1];
        var order = new int[_records - first];
        for (var r = first; r < _records; r++) order[starts[(hashes[r] & mask) >> shift]++] = r;
        return order;
    }

    /// <summary>The record of a key, or -1 with <paramref name="free"/> the slot where it would go.</summary>
    private int Lookup(ReadOnlySpan<byte> key, uint hash, out int free) => Probe(hash, key, -1, out free);

    /// <summary>
    /// <see cref="Lookup"/> for <paramref name="key"/>, or for the key of the stored record <paramref name="of"/> when
    /// that is not -1 (read only when a hash matches: records are indexed in slot order, their pages at random).
    /// </summary>
    private int Probe(uint hash, ReadOnlySpan<byte> key, int of, out int free)
    {
        var mask = _slots.Length - 1;
        for (var slot = (int)(hash & mask); ; slot = (slot + 1) & mask)
        {
            var entry = _slots[slot];
            if (entry == 0)
            {
                free = slot;
                return -1;
            }
            var record = RecordOf(entry);
            if (HashOf(entry) == hash && KeyBytes(record).SequenceEqual(of >= 0 ? KeyBytes(of) : key))
            {
                free = -1;
                return record;
            }
        }
    }

    /// <summary>An index slot: the key's hash and the record number + 1 (0 is an empty slot).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Slot(uint hash, int record) => (ulong)hash << 32 | (uint)(record + 1);

    /// <summary>The record number of a (non-empty) slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RecordOf(ulong slot) => (int)(uint)slot - 1;

    /// <summary>The key hash of a slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint HashOf(ulong slot) => (uint)(slot >> 32);

    /// <summary>The first empty slot of a table from a hash's home slot on.</summary>
    private static int Free(ulong[] slots, uint hash)
    {
        var mask = slots.Length - 1;
        var slot = (int)(hash & mask);
        while (slots[slot] != 0) slot = (slot + 1) & mask;
        return slot;
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new ulong[old.Length * 2];
        foreach (var entry in old)
        {
            if (entry != 0) _slots[Free(_slots, HashOf(entry))] = entry;
        }
    }

    /// <summary>
    /// How many records the pages hold, estimated from how many the first one holds (a load grows its arrays when
    /// they turn out to hold more): counting them all took a pass over every page, 10–15 ms for a million keys.
    /// </summary>
    private static int EstimateRecords(IReadOnlyList<byte[]> pages)
    {
        if (pages.Count == 0) return 0;
        var bytes = pages.Sum(page => (long)page.Length);
        var estimate = CountRecords(pages[0]) * bytes / Math.Max(pages[0].Length, 1) * 21 / 20 + 64;
        return (int)Math.Min(estimate, Array.MaxLength);
    }

    /// <summary>Doubles the room for records while pages load (<paramref name="hashes"/> is the load's).</summary>
    private void GrowWhileLoading(ref uint[] hashes)
    {
        var size = (int)Math.Min(_records * 2L, Array.MaxLength);
        Array.Resize(ref _locations, size);
        Array.Resize(ref _flags, size);
        Array.Resize(ref hashes, size);
    }

    private static int CountRecords(byte[] page)
    {
        var count = 0;
        for (var offset = 0; offset < page.Length; count++)
        {
            ReadKey(page, ref offset);
            ReadValues(page, ref offset, out _);
        }
        return count;
    }

    private static uint Hash(ReadOnlySpan<byte> key) => (uint)XxHash3.HashToUInt64(key);

    private static long Location(int page, int offset) => ((long)page << 32) | (uint)offset;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (byte[] Page, int Offset) Split(long location) => (_pages[(int)(location >> 32)], (int)location);

    private static int RecordSize(int keyLength, int valuesLength) => LengthSize(keyLength) + keyLength + LengthSize(valuesLength + 1) + valuesLength;

    private static int LengthSize(int length) => length < 0x80 ? 1 : length < 0x4000 ? 2 : length < 0x200000 ? 3 : length < 0x10000000 ? 4 : 5;

    private static int WriteRecord(byte[] page, int offset, ReadOnlySpan<byte> key, ReadOnlySpan<byte> values)
    {
        offset = WriteLength(page, offset, key.Length);
        key.CopyTo(page.AsSpan(offset));
        offset = WriteLength(page, offset + key.Length, values.Length + 1);
        values.CopyTo(page.AsSpan(offset));
        return offset + values.Length;
    }

    private static int WriteTombstone(byte[] page, int offset, ReadOnlySpan<byte> key)
    {
        offset = WriteLength(page, offset, key.Length);
        key.CopyTo(page.AsSpan(offset));
        return WriteLength(page, offset + key.Length, 0);
    }

    /// <summary>Writes a text as its length (plus <paramref name="lengthBias"/>: 1 for values, see the page format) and UTF-8 bytes.</summary>
    private static int WriteText(byte[] page, int offset, string text, int lengthBias)
    {
        offset = WriteLength(page, offset, Encoding.UTF8.GetByteCount(text) + lengthBias);
        return offset + Encoding.UTF8.GetBytes(text, page.AsSpan(offset));
    }

    /// <summary>Reads a record's key at <paramref name="offset"/> and moves past it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<byte> ReadKey(byte[] page, scoped ref int offset)
    {
        var length = ReadLength(page, ref offset);
        offset += length;
        return page.AsSpan(offset - length, length);
    }

    /// <summary>Reads a record's values (after its key) and moves past them; a tombstone has none and is <paramref name="removed"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<byte> ReadValues(byte[] page, scoped ref int offset, out bool removed)
    {
        var tag = ReadLength(page, ref offset);
        removed = tag == 0;
        var length = Math.Max(tag - 1, 0);
        offset += length;
        return page.AsSpan(offset - length, length);
    }

    private static int WriteLength(byte[] page, int offset, int length)
    {
        var value = (uint)length;
        while (value >= 0x80)
        {
            page[offset++] = (byte)(value | 0x80);
            value >>= 7;
        }
        page[offset++] = (byte)value;
        return offset;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReadLength(byte[] page, ref int offset)
    {
        int length = 0, shift = 0;
        byte b;
        do
        {
            b = page[offset++];
            length |= (b & 0x7F) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);
        return length;
    }
}

/// <summary>A baseline's index as stored beside its full set of pages: the slots of the records of the first <see cref="Pages"/> pages.</summary>
public sealed record BaselineIndex(int Pages, ulong[] Slots);

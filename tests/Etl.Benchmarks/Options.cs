using System.Globalization;

namespace Etl.Benchmarks;

/// <summary>A bad command line (exit 2).</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>A benchmark that ran but whose result is wrong (a failed run, counts that do not match): exit 1.</summary>
internal sealed class BenchmarkFailedException(string message) : Exception(message);

/// <summary>
/// <c>--name value</c> options, <c>--flag</c> switches and positional words; a name may repeat (<c>--etl-env</c>).
/// </summary>
internal sealed class Options
{
    private static readonly HashSet<string> Switches = ["--keep"];
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _switches = new(StringComparer.Ordinal);

    /// <summary>Words that are not options (the worker's verb).</summary>
    public List<string> Positional { get; } = [];

    public static Options Parse(IEnumerable<string> args)
    {
        var options = new Options();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var arg = e.Current;
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                options.Positional.Add(arg);
            }
            else if (Switches.Contains(arg))
            {
                options._switches.Add(arg);
            }
            else
            {
                if (!e.MoveNext()) throw new UsageException($"{arg} needs a value.");
                if (!options._values.TryGetValue(arg, out var list)) options._values[arg] = list = [];
                list.Add(e.Current);
            }
        }
        return options;
    }

    public bool Has(string name) => _switches.Contains(name);

    public string? String(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    public string Required(string name) => String(name) ?? throw new UsageException($"{name} is required.");

    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var list) ? list : [];

    public long Long(string name, long fallback, long min = 1)
    {
        var text = String(name);
        if (text is null) return fallback;
        if (!long.TryParse(text.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min)
        {
            throw new UsageException($"{name} must be a whole number of at least {min} (got '{text}').");
        }
        return value;
    }

    /// <summary>Complains about options the command does not know, so a typo never silently changes a measurement.</summary>
    public void Only(params string[] known)
    {
        var unknown = _values.Keys.Concat(_switches).Where(k => !known.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException($"unknown option(s): {string.Join(", ", unknown)}.");
    }
}

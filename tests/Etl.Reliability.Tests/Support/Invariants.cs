using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Parquet;

namespace Etl.Reliability.Tests.Support;

/// <summary>
/// DESIGN.md "What must always hold" checked on a data root after a run has finished: nothing partial is visible
/// (invariant 3) and the run lock is let go (invariant 6).
/// </summary>
internal static partial class Invariants
{
    /// <summary>
    /// Every outbox/*.json is a whole payload under a published name, no temp file is left in outbox/, snapshots/ or
    /// reports/, every snapshot opens and decodes with Parquet.Net, every report parses, and state/run.lock.json is gone.
    /// </summary>
    public static async Task AssertNothingPartialAsync(string dataRoot)
    {
        var problems = new List<string>();
        var outbox = Path.Combine(dataRoot, "outbox");
        if (Directory.Exists(outbox))
        {
            foreach (var file in Directory.GetFiles(outbox))
            {
                var name = Path.GetFileName(file);
                if (name == ".sender.lock") continue;
                if (!name.EndsWith(".json", StringComparison.Ordinal))
                {
                    problems.Add($"outbox/{name}: not a payload name (a temp file left where the uploader looks)");
                    continue;
                }
                if (name.EndsWith(".receipt.json", StringComparison.Ordinal) || name.EndsWith(".error.json", StringComparison.Ordinal)) continue;
                if (!PayloadName().IsMatch(name)) problems.Add($"outbox/{name}: not a published payload name (YYYYMMDDTHHMMSSfffZ_<entity>_<run-id>_<seq>.json)");
                if (WholePayloadProblem(file) is { } problem) problems.Add($"outbox/{name}: {problem}");
            }
        }
        foreach (var folder in new[] { "outbox", "snapshots", "reports" })
        {
            var path = Path.Combine(dataRoot, folder);
            if (!Directory.Exists(path)) continue;
            foreach (var file in Directory.GetFiles(path, "*", SearchOption.AllDirectories))
            {
                var name = Path.GetFileName(file);
                if (name == ".sender.lock") continue;
                if (name.StartsWith('.') || name.EndsWith(".tmp", StringComparison.Ordinal) || name.EndsWith(".part", StringComparison.Ordinal))
                {
                    problems.Add($"{Path.GetRelativePath(dataRoot, file)}: a temp file left behind after the run finished");
                }
            }
        }
        var snapshots = Path.Combine(dataRoot, "snapshots");
        if (Directory.Exists(snapshots))
        {
            foreach (var file in Directory.GetFiles(snapshots, "*.parquet", SearchOption.AllDirectories))
            {
                if (await ParquetProblemAsync(file) is { } problem) problems.Add($"{Path.GetRelativePath(dataRoot, file)}: {problem}");
            }
        }
        var reports = Path.Combine(dataRoot, "reports");
        if (Directory.Exists(reports))
        {
            foreach (var run in Directory.GetDirectories(reports))
            {
                var summary = Path.Combine(run, "summary.json");
                if (!File.Exists(summary)) problems.Add($"{Path.GetRelativePath(dataRoot, run)}: no summary.json");
                else if (JsonProblem(summary) is { } problem) problems.Add($"{Path.GetRelativePath(dataRoot, summary)}: {problem}");
                foreach (var csv in Directory.GetFiles(run, "*.invalid.csv"))
                {
                    var text = File.ReadAllText(csv);
                    if (!text.StartsWith("file,line,key,field,value,rule,message\n", StringComparison.Ordinal) || !text.EndsWith('\n'))
                    {
                        problems.Add($"{Path.GetRelativePath(dataRoot, csv)}: not a whole steward report");
                    }
                }
            }
        }
        if (File.Exists(Path.Combine(dataRoot, "state", "run.lock.json"))) problems.Add("state/run.lock.json is still there after the run");
        Assert.That(problems, Is.Empty, "after the run in " + dataRoot);
    }

    private static string? WholePayloadProblem(string file)
    {
        try
        {
            var payload = JsonNode.Parse(File.ReadAllText(file));
            if (payload is not JsonObject o) return "not a JSON object";
            foreach (var key in new[] { "batch_id", "entity", "run_id", "as_of" })
            {
                if (o[key] is not JsonValue value || value.GetValueKind() != JsonValueKind.String) return $"'{key}' missing";
            }
            if (o["records"] is not JsonArray records || records.Count == 0) return "no records";
            return records.All(r => r is JsonObject ro && ro["op"]?.GetValue<string>() is "upsert" or "delete") ? null : "a record without op";
        }
        catch (JsonException e)
        {
            return "does not parse as a whole payload: " + e.Message;
        }
    }

    private static string? JsonProblem(string file)
    {
        try
        {
            JsonNode.Parse(File.ReadAllText(file));
            return null;
        }
        catch (JsonException e)
        {
            return "does not parse: " + e.Message;
        }
    }

    /// <summary>Opens a Parquet file and decodes every column of every row group.</summary>
    public static async Task<string?> ParquetProblemAsync(string file)
    {
        try
        {
            await using var stream = File.OpenRead(file);
            await using var reader = await ParquetReader.CreateAsync(stream);
            var fields = reader.Schema.GetDataFields();
            if (!fields.Any(f => f.Name == "is_valid")) return "no is_valid column";
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                foreach (var field in fields) await group.ReadRawColumnDataBaseAsync(field);
            }
            return null;
        }
        catch (Exception e) when (e is not AssertionException)
        {
            return $"does not open with Parquet.Net ({e.GetType().Name}: {e.Message})";
        }
    }

    [GeneratedRegex(@"^\d{8}T\d{9}Z_[a-z_]+_\d{8}T\d{6}Z-[0-9a-f]{6}_\d{6}\.json$")]
    private static partial Regex PayloadName();
}

using System.Globalization;
using System.Text.Json;
using Etl.Entities;

namespace Etl.Configuration;

/// <summary>
/// Reads pipeline files strictly: an unknown key or a bad value is a <see cref="ConfigurationException"/>
/// naming the file and the key, so a typo never silently changes what a run does.
/// </summary>
public static class PipelineLoader
{
    /// <summary>Guard keys of a pipeline and the setting each stands for.</summary>
    public static readonly IReadOnlyDictionary<string, string> GuardKeys = new Dictionary<string, string>
    {
        ["max_removed_percent"] = "Drop:MaxRemovedPercent",
        ["min_removed_to_stop"] = "Drop:MinRemovedToStop",
        ["max_bad_row_percent"] = "Drop:MaxBadRowPercent",
        ["min_bad_rows_to_fail"] = "Drop:MinBadRowsToFail",
    };

    private static readonly string[] TopKeys = ["schedule", "time_zone", "entities", "orders", "batch_size", "guards", "reconcile"];
    private static readonly string[] EntityKeys = ["source", "query", "batch_size", "tolerances", "guards"];

    /// <summary>Finds a pipeline by name (pipelines/&lt;name&gt;.json under <paramref name="baseDirectories"/>) or path.</summary>
    public static string Resolve(string nameOrPath, params string[] baseDirectories)
    {
        var isPath = nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || nameOrPath.Contains('/') || nameOrPath.Contains('\\');
        if (isPath)
        {
            if (File.Exists(nameOrPath)) return Path.GetFullPath(nameOrPath);
            throw new ConfigurationException($"pipeline file '{nameOrPath}' does not exist.");
        }
        foreach (var directory in baseDirectories)
        {
            var candidate = Path.Combine(directory, "pipelines", nameOrPath + ".json");
            if (File.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        var known = baseDirectories.Select(d => Path.Combine(d, "pipelines")).Where(Directory.Exists)
            .SelectMany(d => Directory.GetFiles(d, "*.json")).Select(Path.GetFileNameWithoutExtension).Distinct().Order();
        throw new ConfigurationException($"no pipeline '{nameOrPath}': expected pipelines/{nameOrPath}.json in the current directory (known: {string.Join(", ", known)}).");
    }

    /// <summary>Reads and checks a pipeline file.</summary>
    public static PipelineDefinition Load(string path)
    {
        var file = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ConfigurationException($"{file}: not valid JSON (line {e.LineNumber + 1}): {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            Expect(file, "(top level)", root, JsonValueKind.Object);
            CheckKeys(file, "", root, TopKeys);
            var settings = new Dictionary<string, string?>();
            if (root.TryGetProperty("batch_size", out var batch)) settings["Outbound:BatchSize"] = PositiveInt(file, "batch_size", batch).ToString(CultureInfo.InvariantCulture);
            if (root.TryGetProperty("guards", out var guards))
            {
                foreach (var (key, value) in ReadGuards(file, "guards", guards)) settings[GuardKeys[key]] = value.ToString(CultureInfo.InvariantCulture);
            }
            if (!root.TryGetProperty("entities", out var entities)) throw new ConfigurationException($"{file}: the key 'entities' is missing.");
            Expect(file, "entities", entities, JsonValueKind.Object);
            CheckKeys(file, "entities.", entities, null);
            var list = entities.EnumerateObject().Select(e => ReadEntity(file, e)).ToList();
            var orders = root.TryGetProperty("orders", out var o) && Bool(file, "orders", o);
            var reconcile = root.TryGetProperty("reconcile", out var r) ? ReadReconcile(file, r) : [];
            return new PipelineDefinition
            {
                Name = Path.GetFileNameWithoutExtension(path),
                Path = path,
                Schedule = OptionalString(file, "schedule", root),
                TimeZone = OptionalTimeZone(file, root),
                Entities = list,
                Orders = orders,
                Reconcile = reconcile,
                Settings = settings,
            };
        }
    }

    private static EntityDefinition ReadEntity(string file, JsonProperty entity)
    {
        var path = "entities." + entity.Name;
        var schema = EntityCatalog.Find(entity.Name)
            ?? throw new ConfigurationException($"{file}: unknown entity '{entity.Name}' under 'entities' (known: {string.Join(", ", EntityCatalog.All.Select(e => e.Name))}; orders is set with \"orders\": true).");
        Expect(file, path, entity.Value, JsonValueKind.Object);
        CheckKeys(file, path + ".", entity.Value, EntityKeys);
        var source = OptionalString(file, path + ".source", entity.Value, "source") ?? "drop";
        if (source is not ("drop" or "sql")) throw new ConfigurationException($"{file}: {path}.source = '{source}' must be drop or sql.");
        var query = OptionalString(file, path + ".query", entity.Value, "query");
        if (source == "sql" && string.IsNullOrWhiteSpace(query)) throw new ConfigurationException($"{file}: {path}.query is required when source is sql.");
        if (source == "drop" && query is not null) throw new ConfigurationException($"{file}: {path}.query is only allowed when source is sql.");
        var tolerances = new Dictionary<string, decimal>();
        if (entity.Value.TryGetProperty("tolerances", out var t))
        {
            Expect(file, path + ".tolerances", t, JsonValueKind.Object);
            CheckKeys(file, path + ".tolerances.", t, null);
            foreach (var field in t.EnumerateObject())
            {
                var key = $"{path}.tolerances.{field.Name}";
                var spec = schema.Fields.FirstOrDefault(f => f.Name == field.Name);
                if (spec is null || !spec.IsPortal || spec.Kind is not (FieldKind.Number or FieldKind.Integer) || spec.IsKey)
                {
                    var numeric = schema.PortalIndexes.Select(i => schema.Fields[i]).Where(f => !f.IsKey && f.Kind is FieldKind.Number or FieldKind.Integer).Select(f => f.Name);
                    throw new ConfigurationException($"{file}: {key}: '{field.Name}' is not a numeric portal field of {schema.Name} (those are: {string.Join(", ", numeric)}).");
                }
                tolerances[field.Name] = NonNegative(file, key, field.Value);
            }
        }
        return new EntityDefinition
        {
            Name = entity.Name,
            Source = source,
            Query = query,
            BatchSize = entity.Value.TryGetProperty("batch_size", out var b) ? PositiveInt(file, path + ".batch_size", b) : null,
            Tolerances = tolerances,
            Guards = entity.Value.TryGetProperty("guards", out var g) ? ReadGuards(file, path + ".guards", g) : new Dictionary<string, decimal>(),
        };
    }

    private static List<string> ReadReconcile(string file, JsonElement value)
    {
        Expect(file, "reconcile", value, JsonValueKind.Array);
        var result = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) throw new ConfigurationException($"{file}: reconcile must list entity names as strings, not {item.GetRawText()}.");
            var name = item.GetString()!;
            if (EntityCatalog.Find(name) is null)
            {
                throw new ConfigurationException($"{file}: unknown entity '{name}' under 'reconcile' (known: {string.Join(", ", EntityCatalog.All.Select(e => e.Name))}).");
            }
            if (result.Contains(name)) throw new ConfigurationException($"{file}: reconcile lists '{name}' more than once.");
            result.Add(name);
        }
        return result;
    }

    private static Dictionary<string, decimal> ReadGuards(string file, string path, JsonElement guards)
    {
        Expect(file, path, guards, JsonValueKind.Object);
        CheckKeys(file, path + ".", guards, [.. GuardKeys.Keys]);
        var result = new Dictionary<string, decimal>();
        foreach (var guard in guards.EnumerateObject())
        {
            var value = NonNegative(file, $"{path}.{guard.Name}", guard.Value);
            if (guard.Name.EndsWith("percent", StringComparison.Ordinal) && value > 100)
            {
                throw new ConfigurationException($"{file}: {path}.{guard.Name} = {value} must be between 0 and 100.");
            }
            if (!guard.Name.EndsWith("percent", StringComparison.Ordinal) && value != decimal.Truncate(value))
            {
                throw new ConfigurationException($"{file}: {path}.{guard.Name} = {value} must be a whole number.");
            }
            result[guard.Name] = value;
        }
        return result;
    }

    private static void CheckKeys(string file, string prefix, JsonElement element, string[]? known)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                throw new ConfigurationException($"{file}: the key '{prefix}{property.Name}' appears more than once.");
            }
            if (known is null) continue;
            if (!known.Contains(property.Name))
            {
                throw new ConfigurationException($"{file}: unknown key '{prefix}{property.Name}' (allowed here: {string.Join(", ", known)}).");
            }
        }
    }

    private static void Expect(string file, string key, JsonElement element, JsonValueKind kind)
    {
        if (element.ValueKind != kind) throw new ConfigurationException($"{file}: {key} must be a JSON {kind.ToString().ToLowerInvariant()}, not {element.ValueKind.ToString().ToLowerInvariant()}.");
    }

    private static string? OptionalString(string file, string key, JsonElement parent, string? name = null)
    {
        if (!parent.TryGetProperty(name ?? key, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        Expect(file, key, value, JsonValueKind.String);
        return value.GetString();
    }

    private static string? OptionalTimeZone(string file, JsonElement root)
    {
        var zone = OptionalString(file, "time_zone", root);
        if (zone is null) return null;
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(zone);
            return zone;
        }
        catch (TimeZoneNotFoundException)
        {
            throw new ConfigurationException($"{file}: time_zone = '{zone}' is not a known IANA time zone (e.g. Europe/Berlin).");
        }
    }

    private static bool Bool(string file, string key, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new ConfigurationException($"{file}: {key} must be true or false."),
    };

    private static int PositiveInt(string file, string key, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number > 0) return number;
        throw new ConfigurationException($"{file}: {key} = {value.GetRawText()} must be a whole number above 0.");
    }

    private static decimal NonNegative(string file, string key, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number) && number >= 0) return number;
        throw new ConfigurationException($"{file}: {key} = {value.GetRawText()} must be a number of at least 0.");
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Etl.Delivery;

/// <summary>
/// Where delivered and refused payloads go: outbox/sent/YYYY-MM-DD/ (UTC) with &lt;name&gt;.receipt.json, and
/// outbox/failed/ with &lt;name&gt;.error.json. The receipt or error file is written whole (temp name, rename) before the
/// payload moves, so a payload in sent/ or failed/ always has its file beside it.
/// </summary>
internal static class DeliveryFiles
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The receipt's name beside a payload.</summary>
    public static string ReceiptName(string payloadName) => Path.GetFileNameWithoutExtension(payloadName) + ".receipt.json";

    /// <summary>The error file's name beside a payload.</summary>
    public static string ErrorName(string payloadName) => Path.GetFileNameWithoutExtension(payloadName) + ".error.json";

    /// <summary>Writes the receipt into sent/&lt;UTC date&gt;/ and moves the payload beside it; returns the new payload path.</summary>
    public static string MoveToSent(string outbox, OutboxFile file, string receiptJson, DateTimeOffset now)
    {
        var folder = Path.Combine(outbox, "sent", now.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        AtomicFile.WriteAllText(Path.Combine(folder, ReceiptName(file.Name)), receiptJson);
        var target = Path.Combine(folder, file.Name);
        File.Move(file.Path, target, overwrite: true);
        return target;
    }

    /// <summary>Writes the error file into failed/ and moves the payload beside it; returns the new payload path.</summary>
    public static string MoveToFailed(string outbox, OutboxFile file, JsonObject error)
    {
        var folder = Path.Combine(outbox, "failed");
        AtomicFile.WriteAllText(Path.Combine(folder, ErrorName(file.Name)), Json(error));
        var target = Path.Combine(folder, file.Name);
        File.Move(file.Path, target, overwrite: true);
        return target;
    }

    /// <summary>Indented JSON with a final newline.</summary>
    public static string Json(JsonNode node) => node.ToJsonString(Indented) + "\n";
}

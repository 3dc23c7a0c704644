using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Etl.Tests.Support;

/// <summary>Payload files parsed for snapshots: numbers kept as written (decimal), dates kept as text, run-dependent fields replaced.</summary>
internal static class PayloadJson
{
    public static JToken Parse(string json)
    {
        using var reader = new JsonTextReader(new StringReader(json))
        {
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Decimal,
        };
        return JToken.ReadFrom(reader);
    }

    /// <summary>The payload with run_id, as_of and the run id inside batch_id replaced by placeholders.</summary>
    public static JToken ForSnapshot(string path)
    {
        var token = Parse(File.ReadAllText(path));
        var runId = (string)token["run_id"]!;
        token["run_id"] = "<run-id>";
        token["batch_id"] = ((string)token["batch_id"]!).Replace(runId, "<run-id>", StringComparison.Ordinal);
        token["as_of"] = "<as-of>";
        return token;
    }
}

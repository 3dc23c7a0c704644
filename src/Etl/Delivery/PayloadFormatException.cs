namespace Etl.Delivery;

/// <summary>A settled file in outbox/ that is not a payload (not JSON, or without batch_id, entity or records).</summary>
internal sealed class PayloadFormatException(string message) : Exception(message);

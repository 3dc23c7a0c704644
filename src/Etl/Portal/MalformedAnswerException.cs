namespace Etl.PortalApi;

/// <summary>A successful answer whose body is not the JSON it should be (e.g. cut short); retried like a timeout.</summary>
internal sealed class MalformedAnswerException(string message) : Exception(message);

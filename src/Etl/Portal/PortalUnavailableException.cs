namespace Etl.PortalApi;

/// <summary>
/// The portal could not be reached or gave no usable answer after every attempt (timeouts, refused connections,
/// answers cut short, an open circuit). Its message names what happened, never the key.
/// </summary>
internal sealed class PortalUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

namespace Etl.Configuration;

/// <summary>Bad usage or configuration (exit 2): the message names the file or variable and the key.</summary>
public sealed class ConfigurationException(string message) : Exception(message);

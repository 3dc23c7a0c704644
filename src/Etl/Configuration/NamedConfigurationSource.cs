using Microsoft.Extensions.Configuration;

namespace Etl.Configuration;

/// <summary>In-memory settings that say where they came from (a pipeline file, the command line) in error messages.</summary>
public sealed class NamedConfigurationSource(string origin, IReadOnlyDictionary<string, string?> values) : IConfigurationSource
{
    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(origin, values);

    /// <summary>The provider; <see cref="Origin"/> describes the source.</summary>
    public sealed class Provider(string origin, IReadOnlyDictionary<string, string?> values) : ConfigurationProvider
    {
        /// <summary>Where these settings came from.</summary>
        public string Origin { get; } = origin;

        /// <inheritdoc />
        public override void Load() => Data = new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase);
    }
}

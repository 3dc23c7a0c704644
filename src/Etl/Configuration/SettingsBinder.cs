using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace Etl.Configuration;

/// <summary>
/// Binds <see cref="EtlSettings"/> from configuration and validates it; a bad value is a
/// <see cref="ConfigurationException"/> naming the file or environment variable and the key.
/// </summary>
public static class SettingsBinder
{
    /// <summary>The prefix of environment variables that configure the engine.</summary>
    public const string EnvironmentPrefix = "ETL_";

    /// <summary>Binds and validates the settings.</summary>
    public static EtlSettings Bind(IConfigurationRoot configuration)
    {
        var settings = new EtlSettings();
        BindObject(configuration, configuration, "", settings);
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(settings.Portal.TimeZone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ConfigurationException($"{Origin(configuration, "Portal:TimeZone")}: Portal:TimeZone = '{settings.Portal.TimeZone}' is not a known IANA time zone (e.g. America/Chicago).");
        }
        var url = settings.Portal.BaseUrl.Trim();
        if (url.Length > 0 && !(Uri.TryCreate(url, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps)))
        {
            throw new ConfigurationException($"{Origin(configuration, "Portal:BaseUrl")}: Portal:BaseUrl is not an absolute http(s) URL (e.g. https://portal.example.com/); leave it empty for the in-process sandbox.");
        }
        return settings;
    }

    /// <summary>Says where a key's effective value comes from.</summary>
    public static string Origin(IConfigurationRoot configuration, string key)
    {
        foreach (var provider in configuration.Providers.Reverse())
        {
            if (!provider.TryGet(key, out _)) continue;
            return provider switch
            {
                JsonConfigurationProvider json => json.Source.Path ?? "a JSON file",
                EnvironmentVariablesConfigurationProvider => "environment variable " + EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal),
                NamedConfigurationSource.Provider named => named.Origin,
                _ => provider.ToString() ?? "configuration",
            };
        }
        return "defaults";
    }

    private static void BindObject(IConfigurationRoot root, IConfiguration section, string prefix, object target)
    {
        foreach (var property in target.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = prefix + property.Name;
            if (property.PropertyType.IsClass && property.PropertyType != typeof(string))
            {
                if (section[property.Name] is { } plain)
                {
                    throw new ConfigurationException($"{Origin(root, key)}: {key} = '{plain}' is a plain value, but {key} is a section of settings (e.g. {key}:{property.PropertyType.GetProperties()[0].Name}).");
                }
                BindObject(root, section.GetSection(property.Name), key + ":", property.GetValue(target)!);
                continue;
            }
            var text = section[property.Name];
            if (text is null) continue;
            if (!TryParse(property.PropertyType, text, out var value))
            {
                throw new ConfigurationException($"{Origin(root, key)}: {key} = '{text}' is not {Expected(property.PropertyType)}.");
            }
            property.SetValue(target, value);
            var results = new List<ValidationResult>();
            if (!QuickValidation.Passes(property, value!, Parse) && !Validator.TryValidateProperty(value, new ValidationContext(target) { MemberName = property.Name }, results))
            {
                throw new ConfigurationException($"{Origin(root, key)}: {key} = '{text}' {Describe(results[0])}.");
            }
        }
    }

    private static string Describe(ValidationResult result)
    {
        var message = result.ErrorMessage ?? "is not allowed";
        return message.StartsWith("The field", StringComparison.Ordinal)
            ? "is out of range (" + message[(message.IndexOf(' ', 10) + 1)..].TrimEnd('.') + ")"
            : message;
    }

    private static object? Parse(Type type, string text) => TryParse(type, text, out var value) ? value : null;

    private static bool TryParse(Type type, string text, out object? value)
    {
        value = null;
        var invariant = CultureInfo.InvariantCulture;
        if (type == typeof(string))
        {
            value = text;
            return true;
        }
        if (type == typeof(int) && int.TryParse(text.Trim(), NumberStyles.Integer, invariant, out var i)) value = i;
        else if (type == typeof(decimal) && decimal.TryParse(text.Trim(), NumberStyles.Number & ~NumberStyles.AllowThousands, invariant, out var d)) value = d;
        else if (type == typeof(bool) && bool.TryParse(text.Trim(), out var b)) value = b;
        else if (type == typeof(TimeSpan) && text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParseExact(text.Trim(), ["c"], invariant, out var t) && t >= TimeSpan.Zero) value = t;
        return value is not null;
    }

    private static string Expected(Type type) => type switch
    {
        _ when type == typeof(int) => "a whole number",
        _ when type == typeof(decimal) => "a number",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(TimeSpan) => "a duration written [d.]hh:mm:ss (e.g. 00:00:30)",
        _ => "valid",
    };
}

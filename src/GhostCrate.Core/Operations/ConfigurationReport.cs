using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace GhostCrate.Core.Operations;

/// <summary>
/// The effective settings as key/value lines for the admin page, secrets redacted: any text setting whose name says
/// password, secret, token, key or credential (except paths), and the Password= part of connection strings. Values come from the bound options objects, so defaults show too.
/// </summary>
public static partial class ConfigurationReport
{
    public const string Redacted = "••••••";

    /// <summary>One line per leaf setting under <paramref name="section"/>, in declaration order.</summary>
    public static IReadOnlyList<ConfigurationEntry> Describe(string section, object? options)
    {
        var entries = new List<ConfigurationEntry>();
        Walk(section, options, entries, depth: 0);
        return entries;
    }

    private static void Walk(string key, object? value, List<ConfigurationEntry> entries, int depth)
    {
        if (depth > 6) return;
        switch (value)
        {
            case null:
                entries.Add(new ConfigurationEntry(key, "(not set)", false));
                return;
            case string text:
                entries.Add(Leaf(key, text));
                return;
            case IDictionary dictionary:
                if (dictionary.Count == 0) entries.Add(new ConfigurationEntry(key, "(none)", false));
                foreach (DictionaryEntry item in dictionary) Walk($"{key}:{item.Key}", item.Value, entries, depth + 1);
                return;
            case IEnumerable list when value is not string:
                var items = list.Cast<object?>().ToList();
                if (items.Count == 0 || items.All(IsScalar))
                {
                    entries.Add(items.Count == 0 ? new ConfigurationEntry(key, "(none)", false) : Leaf(key, string.Join(", ", items.Select(Scalar))));
                    return;
                }
                for (var i = 0; i < items.Count; i++) Walk($"{key}:{i}", items[i], entries, depth + 1);
                return;
        }
        if (IsScalar(value))
        {
            // Numbers, flags and enums are never secrets (MinPasswordLength is a length, not a password).
            entries.Add(new ConfigurationEntry(key, Scalar(value), false));
            return;
        }
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || !property.CanRead) continue;
            Walk($"{key}:{property.Name}", property.GetValue(value), entries, depth + 1);
        }
    }

    private static ConfigurationEntry Leaf(string key, string value)
    {
        var name = key[(key.LastIndexOf(':') + 1)..];
        if (IsSecretName(name)) return new ConfigurationEntry(key, value.Length == 0 ? "(not set)" : Redacted, true);
        if (name.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase))
        {
            var redacted = SecretPart().Replace(value, m => $"{m.Groups[1].Value}={Redacted}");
            return new ConfigurationEntry(key, redacted, redacted != value);
        }
        return new ConfigurationEntry(key, value, false);
    }

    /// <summary>ClientSecret, SecretAccessKey, AdminPassword, EncryptionPassphrase, Token...; not KeysPath, AccessKeyId stays hidden too.</summary>
    public static bool IsSecretName(string name) =>
        !name.EndsWith("Path", StringComparison.OrdinalIgnoreCase)
        && (name.Contains("password", StringComparison.OrdinalIgnoreCase)
            || name.Contains("secret", StringComparison.OrdinalIgnoreCase)
            || name.Contains("passphrase", StringComparison.OrdinalIgnoreCase)
            || name.Contains("token", StringComparison.OrdinalIgnoreCase)
            || name.Contains("accesskey", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith("Key", StringComparison.OrdinalIgnoreCase)
            || name.Contains("credential", StringComparison.OrdinalIgnoreCase));

    private static bool IsScalar(object? value) =>
        value is null or string or bool or Enum or TimeSpan or DateTimeOffset or Uri || value.GetType().IsPrimitive || value is decimal;

    private static string Scalar(object? value) => value switch
    {
        null => "(not set)",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    // Npgsql/ADO.NET keys that hold secrets: Password, Pwd, and anything with "secret" or "key" in the name.
    [GeneratedRegex(@"\b(Password|Pwd|[A-Za-z ]*Secret[A-Za-z ]*|[A-Za-z ]*Key)\s*=\s*(""[^""]*""|'[^']*'|[^;]*)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretPart();
}

public sealed record ConfigurationEntry(string Key, string Value, bool Redacted);

using GhostCrate.Core.Operations;
using GhostCrate.Core.Options;

namespace GhostCrate.Core.Tests;

public sealed class ConfigurationReportTests
{
    private static Dictionary<string, ConfigurationEntry> Describe(string section, object options) =>
        ConfigurationReport.Describe(section, options).ToDictionary(e => e.Key);

    [Fact]
    public void Secrets_are_redacted_and_everything_else_shown()
    {
        var storage = new StorageOptions { Provider = StorageProvider.S3, S3 = new S3StorageOptions { Bucket = "crates", AccessKeyId = "AKIAEXAMPLE", SecretAccessKey = "wJalrXUtnFEMI/K7MDENG" } };

        var entries = Describe("Storage", storage);

        Assert.Equal("S3", entries["Storage:Provider"].Value);
        Assert.Equal("crates", entries["Storage:S3:Bucket"].Value);
        Assert.Equal(ConfigurationReport.Redacted, entries["Storage:S3:SecretAccessKey"].Value);
        Assert.Equal(ConfigurationReport.Redacted, entries["Storage:S3:AccessKeyId"].Value);
        Assert.True(entries["Storage:S3:SecretAccessKey"].Redacted);
        Assert.DoesNotContain(entries.Values, e => e.Value.Contains("wJalr", StringComparison.Ordinal) || e.Value.Contains("AKIA", StringComparison.Ordinal));
    }

    [Fact]
    public void Connection_string_passwords_are_redacted()
    {
        var database = new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = "Host=db;Username=gc;Password=s3cr3t;Database=gc;SSL Key=/k" };

        var value = Describe("Database", database)["Database:ConnectionString"].Value;

        Assert.DoesNotContain("s3cr3t", value, StringComparison.Ordinal);
        Assert.Contains("Host=db", value, StringComparison.Ordinal);
        Assert.Contains($"Password={ConfigurationReport.Redacted}", value, StringComparison.Ordinal);
    }

    [Fact]
    public void Numbers_and_flags_named_like_secrets_are_not_hidden_and_nested_providers_are()
    {
        var identity = new IdentityOptions
        {
            MinPasswordLength = 12,
            KeysPath = "/data/keys",
            Sso = { ["corp"] = new SsoProviderOptions { ClientId = "ghostcrate", ClientSecret = "very-secret", DisplayName = "Corp" } },
        };

        var entries = Describe("Identity", identity);

        Assert.Equal("12", entries["Identity:MinPasswordLength"].Value);
        Assert.Equal("true", entries["Identity:AllowPasswordLogin"].Value);
        Assert.Equal("/data/keys", entries["Identity:KeysPath"].Value);
        Assert.Equal("ghostcrate", entries["Identity:Sso:corp:ClientId"].Value);
        Assert.Equal(ConfigurationReport.Redacted, entries["Identity:Sso:corp:ClientSecret"].Value);
    }
}

using System.Globalization;
using System.Text.Json;
using GhostCrate.Core.Advisories;

namespace GhostCrate.Core.Sbom;

/// <summary>
/// Writes an <see cref="SbomDocument"/> as CycloneDX 1.5 JSON (https://cyclonedx.org/docs/1.5/json/): components with
/// purl, SHA-256 hash and licence; build-only components in scope `excluded` (not needed at run time) with a
/// `ghostcrate:dependency-kind` property; unresolved dependencies without version, with their requirement; the
/// dependency graph; and the advisories as `vulnerabilities` with their affected component.
/// </summary>
public static class CycloneDxWriter
{
    public const string SpecVersion = "1.5";

    public static byte[] Write(SbomDocument doc, string toolVersion)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("$schema", "http://cyclonedx.org/schema/bom-1.5.schema.json");
            w.WriteString("bomFormat", "CycloneDX");
            w.WriteString("specVersion", SpecVersion);
            w.WriteString("serialNumber", $"urn:uuid:{doc.Serial}");
            w.WriteNumber("version", 1);
            w.WriteStartObject("metadata");
            w.WriteString("timestamp", doc.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteStartObject("tools");
            w.WriteStartArray("components");
            w.WriteStartObject();
            w.WriteString("type", "application");
            w.WriteString("name", "GhostCrate");
            w.WriteString("version", toolVersion);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            if (doc.Root is { } root)
            {
                w.WritePropertyName("component");
                WriteComponent(w, root, isRoot: true);
            }
            w.WriteEndObject();

            w.WriteStartArray("components");
            foreach (var c in doc.Components) WriteComponent(w, c, isRoot: false);
            w.WriteEndArray();

            if (doc.Dependencies.Count > 0)
            {
                w.WriteStartArray("dependencies");
                foreach (var e in doc.Dependencies)
                {
                    w.WriteStartObject();
                    w.WriteString("ref", e.From);
                    w.WriteStartArray("dependsOn");
                    foreach (var to in e.To.Distinct(StringComparer.Ordinal)) w.WriteStringValue(to);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }

            WriteVulnerabilities(w, doc);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteComponent(Utf8JsonWriter w, SbomComponent c, bool isRoot)
    {
        w.WriteStartObject();
        w.WriteString("type", "library");
        w.WriteString("bom-ref", c.Ref);
        w.WriteString("name", c.Name);
        if (c.Version is not null) w.WriteString("version", c.Version);
        if (!isRoot) w.WriteString("scope", c.Scope == SbomScope.Build ? "excluded" : "required");
        if (c.Note is not null) w.WriteString("description", c.Resolved ? c.Note : $"unresolved: {c.Note}");
        if (c.Sha256 is { Length: 64 } sha)
        {
            w.WriteStartArray("hashes");
            w.WriteStartObject();
            w.WriteString("alg", "SHA-256");
            w.WriteString("content", sha);
            w.WriteEndObject();
            w.WriteEndArray();
        }
        if (SbomLicenses.Expression(c.License) is { } expression)
        {
            w.WriteStartArray("licenses");
            w.WriteStartObject();
            w.WriteString("expression", expression);
            w.WriteEndObject();
            w.WriteEndArray();
        }
        if (c.Purl is { } purl) w.WriteString("purl", purl);
        var properties = new List<(string, string)>();
        if (!isRoot) properties.Add(("ghostcrate:dependency-kind", c.Scope == SbomScope.Build ? "build" : "normal"));
        if (c.Requirement is not null) properties.Add(("ghostcrate:requirement", c.Requirement));
        if (c.Target is not null) properties.Add(("ghostcrate:target", c.Target));
        if (!c.Resolved) properties.Add(("ghostcrate:resolved", "false"));
        if (c.RepositoryUrl is not null) properties.Add(("ghostcrate:registry", c.RepositoryUrl));
        if (properties.Count > 0)
        {
            w.WriteStartArray("properties");
            foreach (var (name, value) in properties)
            {
                w.WriteStartObject();
                w.WriteString("name", name);
                w.WriteString("value", value);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteVulnerabilities(Utf8JsonWriter w, SbomDocument doc)
    {
        if (doc.Findings.Count == 0) return;
        var refs = (doc.Root is { } r ? doc.Components.Prepend(r) : doc.Components)
            .Where(c => c.Resolved && c.IsRegistryPackage)
            .GroupBy(c => (c.Name, c.Version!)).ToDictionary(g => g.Key, g => g.Select(c => c.Ref).ToList());
        w.WriteStartArray("vulnerabilities");
        foreach (var group in doc.Findings.GroupBy(f => f.Advisory.Id, StringComparer.Ordinal))
        {
            var a = group.First().Advisory;
            w.WriteStartObject();
            w.WriteString("bom-ref", $"vulnerability:{a.Id}");
            w.WriteString("id", a.Id);
            w.WriteStartObject("source");
            w.WriteString("name", "RustSec");
            w.WriteString("url", $"https://rustsec.org/advisories/{a.Id}.html");
            w.WriteEndObject();
            if (a.Aliases.Count > 0)
            {
                w.WriteStartArray("references");
                foreach (var alias in a.Aliases)
                {
                    w.WriteStartObject();
                    w.WriteString("id", alias);
                    w.WriteStartObject("source");
                    w.WriteString("name", alias.Split('-')[0]);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteStartArray("ratings");
            w.WriteStartObject();
            w.WriteStartObject("source");
            w.WriteString("name", "RustSec");
            w.WriteEndObject();
            if (a.Score is { } score) w.WriteNumber("score", score);
            w.WriteString("severity", a.IsWarning ? "info" : SeverityName(a.Severity));
            if (a.Cvss is { } v)
            {
                w.WriteString("method", v.StartsWith("CVSS:4", StringComparison.Ordinal) ? "CVSSv4" : v.StartsWith("CVSS:3.1", StringComparison.Ordinal) ? "CVSSv31" : "CVSSv3");
                w.WriteString("vector", v);
            }
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("description", a.Title);
            if (a.Description.Length > 0) w.WriteString("detail", a.Description);
            w.WriteString("recommendation", AdvisoryMatcher.Solution(a));
            w.WriteStartArray("advisories");
            w.WriteStartObject();
            w.WriteString("title", a.Title);
            w.WriteString("url", a.Url ?? $"https://rustsec.org/advisories/{a.Id}.html");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("published", a.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00Z");
            w.WriteStartArray("affects");
            foreach (var f in group)
            {
                foreach (var componentRef in refs.GetValueOrDefault((f.Crate, f.Version)) ?? [])
                {
                    w.WriteStartObject();
                    w.WriteString("ref", componentRef);
                    w.WriteStartArray("versions");
                    w.WriteStartObject();
                    w.WriteString("version", f.Version);
                    w.WriteString("status", "affected");
                    w.WriteEndObject();
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
            }
            w.WriteEndArray();
            if (a.Informational is { } kind)
            {
                w.WriteStartArray("properties");
                w.WriteStartObject();
                w.WriteString("name", "ghostcrate:informational");
                w.WriteString("value", kind);
                w.WriteEndObject();
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static string SeverityName(AdvisorySeverity severity) => severity switch
    {
        AdvisorySeverity.Critical => "critical",
        AdvisorySeverity.High => "high",
        AdvisorySeverity.Medium => "medium",
        AdvisorySeverity.Low => "low",
        AdvisorySeverity.None => "none",
        _ => "unknown",
    };
}

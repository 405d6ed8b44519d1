using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GhostCrate.Core.Sbom;

/// <summary>
/// Writes an <see cref="SbomDocument"/> as SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/): one package per
/// component (purl as a PACKAGE-MANAGER reference, SHA256 checksum, declared licence, advisories as SECURITY
/// references), DEPENDS_ON relationships, and BUILD_DEPENDENCY_OF for build-only dependencies
/// (https://spdx.github.io/spdx-spec/v2.3/relationships-between-SPDX-elements/).
/// </summary>
public static class SpdxWriter
{
    public static byte[] Write(SbomDocument doc, string toolVersion)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var all = doc.Root is { } root ? [root, .. doc.Components] : doc.Components.ToList();
        foreach (var c in all) ids[c.Ref] = UniqueId(c, used);
        var advisoriesOf = doc.Findings.GroupBy(f => (f.Crate, f.Version)).ToDictionary(g => g.Key, g => g.Select(f => f.Advisory.Id).Distinct(StringComparer.Ordinal).ToList());

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("spdxVersion", "SPDX-2.3");
            w.WriteString("dataLicense", "CC0-1.0");
            w.WriteString("SPDXID", "SPDXRef-DOCUMENT");
            w.WriteString("name", doc.Name);
            // Unique per document (SPDX 2.3 §6.5); a urn:uuid is an absolute URI that never claims a web location.
            w.WriteString("documentNamespace", $"urn:uuid:{doc.Serial}");
            w.WriteStartObject("creationInfo");
            w.WriteString("created", doc.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteStartArray("creators");
            w.WriteStringValue($"Tool: GhostCrate-{toolVersion}");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartArray("documentDescribes");
            foreach (var c in doc.Root is { } described ? [described] : all) w.WriteStringValue(ids[c.Ref]);
            w.WriteEndArray();

            w.WriteStartArray("packages");
            foreach (var c in all) WritePackage(w, c, ids[c.Ref], c.Version is null ? null : advisoriesOf.GetValueOrDefault((c.Name, c.Version)));
            w.WriteEndArray();

            w.WriteStartArray("relationships");
            foreach (var c in doc.Root is { } r ? [r] : all) Relationship(w, "SPDXRef-DOCUMENT", "DESCRIBES", ids[c.Ref]);
            var byRef = all.ToDictionary(c => c.Ref, StringComparer.Ordinal);
            foreach (var edge in doc.Dependencies)
            {
                foreach (var to in edge.To.Distinct(StringComparer.Ordinal))
                {
                    if (byRef[to].Scope == SbomScope.Build && byRef[edge.From].Scope == SbomScope.Normal)
                        Relationship(w, ids[to], "BUILD_DEPENDENCY_OF", ids[edge.From]);
                    else
                        Relationship(w, ids[edge.From], "DEPENDS_ON", ids[to]);
                }
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WritePackage(Utf8JsonWriter w, SbomComponent c, string id, IReadOnlyList<string>? advisories)
    {
        w.WriteStartObject();
        w.WriteString("SPDXID", id);
        w.WriteString("name", c.Name);
        if (c.Version is not null) w.WriteString("versionInfo", c.Version);
        w.WriteString("downloadLocation", c.Resolved && c.IsRegistryPackage && c.RepositoryUrl is null
            ? $"https://static.crates.io/crates/{c.Name}/{c.Name}-{c.Version}.crate"
            : "NOASSERTION");
        w.WriteBoolean("filesAnalyzed", false);
        if (c.Sha256 is { Length: 64 } sha)
        {
            w.WriteStartArray("checksums");
            w.WriteStartObject();
            w.WriteString("algorithm", "SHA256");
            w.WriteString("checksumValue", sha);
            w.WriteEndObject();
            w.WriteEndArray();
        }
        w.WriteString("licenseConcluded", "NOASSERTION");
        w.WriteString("licenseDeclared", SbomLicenses.Expression(c.License) ?? "NOASSERTION");
        w.WriteString("copyrightText", "NOASSERTION");
        var comment = new List<string>();
        if (c.Scope == SbomScope.Build) comment.Add("build dependency");
        if (!c.Resolved) comment.Add($"unresolved requirement `{c.Requirement}`: {c.Note}");
        else if (c.Note is not null) comment.Add(c.Note);
        if (c.Target is not null) comment.Add($"only for target {c.Target}");
        if (comment.Count > 0) w.WriteString("comment", string.Join("; ", comment));
        if (c.Purl is not null || advisories is { Count: > 0 })
        {
            w.WriteStartArray("externalRefs");
            if (c.Purl is { } purl)
            {
                w.WriteStartObject();
                w.WriteString("referenceCategory", "PACKAGE-MANAGER");
                w.WriteString("referenceType", "purl");
                w.WriteString("referenceLocator", purl);
                w.WriteEndObject();
            }
            foreach (var advisory in advisories ?? [])
            {
                w.WriteStartObject();
                w.WriteString("referenceCategory", "SECURITY");
                w.WriteString("referenceType", "advisory");
                w.WriteString("referenceLocator", $"https://rustsec.org/advisories/{advisory}.html");
                w.WriteString("comment", advisory);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void Relationship(Utf8JsonWriter w, string from, string type, string to)
    {
        w.WriteStartObject();
        w.WriteString("spdxElementId", from);
        w.WriteString("relationshipType", type);
        w.WriteString("relatedSpdxElement", to);
        w.WriteEndObject();
    }

    /// <summary>SPDX ids are `SPDXRef-` followed by letters, digits, '.' and '-' (SPDX 2.3 §7.2).</summary>
    private static string UniqueId(SbomComponent c, HashSet<string> used)
    {
        var raw = $"Package-{c.Name}-{c.Version ?? "unresolved"}";
        var sb = new StringBuilder("SPDXRef-");
        foreach (var ch in raw) sb.Append(char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' ? ch : '-');
        var id = sb.ToString();
        for (var i = 2; !used.Add(id); i++) id = $"{sb}-{i}";
        return id;
    }
}

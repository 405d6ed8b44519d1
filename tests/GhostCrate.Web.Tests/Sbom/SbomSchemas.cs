extern alias jsonschema;

using System.Text.Json;
using jsonschema::Json.Schema;

namespace GhostCrate.Web.Tests.Sbom;

/// <summary>
/// The official CycloneDX 1.5 JSON schema (Schemas/SOURCE.md) with the two schemas it references, evaluated by
/// JsonSchema.Net (a maintained draft-07 validator).
/// </summary>
public static class SbomSchemas
{
    private const string Base = "http://cyclonedx.org/schema/";
    private static readonly Lazy<JsonSchema> CycloneDx15 = new(Load);

    /// <summary>The schema's error messages for <paramref name="document"/>; empty when it validates.</summary>
    public static IReadOnlyList<string> CycloneDxErrors(JsonElement document)
    {
        var result = CycloneDx15.Value.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return [];
        return [.. (result.Details ?? []).Prepend(result)
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))];
    }

    private static JsonSchema Load()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Sbom", "Schemas");
        var registry = new SchemaRegistry();
        var options = new BuildOptions { SchemaRegistry = registry };
        // The package's BOM schema refers to its neighbours by their *.SNAPSHOT names; register them under those.
        foreach (var name in new[] { "spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json" })
        {
            var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(dir, name)), options);
            registry.Register(new Uri(Base + name), schema);
        }
        return JsonSchema.FromText(File.ReadAllText(Path.Combine(dir, "bom-1.5.SNAPSHOT.schema.json")), options);
    }
}

using System.Text.Json;
using GhostCrate.Protocol.Json;

namespace GhostCrate.Protocol.Publishing;

/// <summary>
/// Parses the JSON half of a publish body and checks the fields the registry relies on.
/// JSON `null` is legal where our records declare non-null collections, so it is normalised here
/// instead of surfacing later as a NullReferenceException deep in index generation.
/// </summary>
internal static class PublishMetadataParser
{
    public static PublishBodyResult Parse(ReadOnlySpan<byte> json, ReadOnlyMemory<byte> crateFile)
    {
        PublishMetadata? meta;
        try
        {
            meta = JsonSerializer.Deserialize<PublishMetadata>(json, ProtocolJson.Options);
        }
        catch (JsonException ex)
        {
            return Fail(PublishBodyErrorKind.InvalidJson, $"the crate metadata sent by cargo is not valid JSON: {ex.Message}");
        }
        if (meta is null)
            return Fail(PublishBodyErrorKind.InvalidJson, "the crate metadata sent by cargo must be a JSON object, not null");

        if (string.IsNullOrEmpty(meta.Name))
            return Fail(PublishBodyErrorKind.MissingField, "the crate metadata has no `name`; set `name` in the `[package]` section of Cargo.toml");
        if (string.IsNullOrEmpty(meta.Vers))
            return Fail(PublishBodyErrorKind.MissingField, "the crate metadata has no `vers`; set `version` in the `[package]` section of Cargo.toml");

        var deps = new List<PublishDependency>();
        var index = 0;
        foreach (var dep in meta.Deps ?? [])
        {
            index++;
            if (dep is null)
                return Fail(PublishBodyErrorKind.InvalidJson, $"dependency #{index} in the crate metadata is null");
            if (string.IsNullOrEmpty(dep.Name))
                return Fail(PublishBodyErrorKind.MissingField, $"dependency #{index} in the crate metadata has no `name`");
            if (string.IsNullOrEmpty(dep.VersionReq))
                return Fail(PublishBodyErrorKind.MissingField, $"dependency `{dep.Name}` in the crate metadata has no `version_req`");
            if (dep.Features?.Any(f => f is null) == true)
                return Fail(PublishBodyErrorKind.InvalidJson, $"dependency `{dep.Name}` lists a null feature");
            deps.Add(dep with
            {
                Features = dep.Features ?? [],
                Kind = string.IsNullOrEmpty(dep.Kind) ? "normal" : dep.Kind,
            });
        }

        var features = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, values) in meta.Features ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            if (values?.Any(v => v is null) == true)
                return Fail(PublishBodyErrorKind.InvalidJson, $"feature `{name}` lists a null value");
            features[name] = values ?? [];
        }

        var normalized = meta with
        {
            Deps = deps,
            Features = features,
            Authors = NonNull(meta.Authors),
            Keywords = NonNull(meta.Keywords),
            Categories = NonNull(meta.Categories),
        };
        return PublishBodyResult.Success(normalized, crateFile);
    }

    private static IReadOnlyList<string> NonNull(IReadOnlyList<string>? list) =>
        list is null ? [] : list.Where(s => s is not null).ToList();

    private static PublishBodyResult Fail(PublishBodyErrorKind kind, string message) => PublishBodyResult.Failure(kind, message);
}

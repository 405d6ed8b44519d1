using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Core.Advisories;

/// <summary>
/// An affected interval in OSV's form: <see cref="Introduced"/> inclusive, <see cref="Fixed"/> exclusive, a missing
/// side open (https://ossf.github.io/osv-schema/#affectedrangesevents-fields).
/// </summary>
public sealed record AffectedRange(SemVersion? Introduced, SemVersion? Fixed)
{
    public bool Affects(SemVersion v) =>
        (Introduced is null || v >= Introduced) && (Fixed is null || v < Fixed);

    public override string ToString() => $"[{Introduced?.ToString() ?? "0"}, {Fixed?.ToString() ?? "∞"})";
}

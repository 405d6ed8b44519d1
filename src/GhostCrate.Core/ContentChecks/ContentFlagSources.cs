namespace GhostCrate.Core.ContentChecks;

/// <summary>Where a flagged version comes from; the same spelling as the advisories' `source` (docs/security.md).</summary>
public static class ContentFlagSources
{
    public const string Private = "private";

    public static string Proxy(string upstream) => $"proxy:{upstream}";
}

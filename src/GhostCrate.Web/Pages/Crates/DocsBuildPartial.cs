namespace GhostCrate.Web.Pages.Crates;

/// <summary>The model of _DocsBuild.cshtml: which version's docs build to show on the crate page.</summary>
public sealed record DocsBuildPartial(string Crate, string Version);

namespace GhostCrate.Core.Docs;

/// <summary>The public URLs (paths) of docs, so links are written one way: /docs/{crate}/{version}/{lib}/index.html.</summary>
public static class DocsPaths
{
    public const string Root = "/docs";

    public static string Crate(string crateName) => $"{Root}/{Uri.EscapeDataString(crateName)}";

    public static string Version(string crateName, string version) => $"{Crate(crateName)}/{Uri.EscapeDataString(version)}/";

    /// <summary>rustdoc puts a library's pages under its lib name: the crate name with `-` turned into `_`.</summary>
    public static string LibIndex(string crateName, string version) => $"{Version(crateName, version)}{crateName.Replace('-', '_')}/index.html";
}

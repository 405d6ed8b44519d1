namespace GhostCrate.Packaging.Content;

/// <summary>
/// Something in a .crate that deserves a reviewer's look (issue 20, docs/security.md "Content flags"): not an error,
/// the crate is still valid. <see cref="Path"/> is relative to the package root ("" for a manifest-level fact).
/// </summary>
public sealed record ContentFlag(string Kind, string Path, string Detail);

/// <summary>The kinds of <see cref="ContentFlag"/> (docs/security.md lists them).</summary>
public static class ContentFlagKinds
{
    /// <summary>The package runs a build script (`build.rs` or `package.build`) on every machine that builds it.</summary>
    public const string BuildScript = "build_script";
    /// <summary>`lib.proc-macro = true`: code that runs inside the compiler of every dependent.</summary>
    public const string ProcMacro = "proc_macro";
    /// <summary>`package.links`: the package links a native library.</summary>
    public const string Links = "links";
    /// <summary>A file whose bytes (ELF, PE, Mach-O, ar) or name (.so, .dll, ...) say it is compiled code.</summary>
    public const string NativeBinary = "native_binary";
    /// <summary>A file with an executable bit in its tar mode.</summary>
    public const string Executable = "executable";
    /// <summary>A file larger than `Publishing:LargeFileBytes`.</summary>
    public const string LargeFile = "large_file";
    /// <summary>The build script mentions something that runs programs, opens connections or reads absolute paths (a hint, not proof).</summary>
    public const string BuildScriptHint = "build_script_hint";

    public static IReadOnlyList<string> All { get; } = [BuildScript, ProcMacro, Links, NativeBinary, Executable, LargeFile, BuildScriptHint];
}

namespace GhostCrate.Protocol.Crates;

/// <summary>
/// Names no one may publish, kept in canonical form (see <see cref="CrateName.Canonicalize"/>).
/// Modelled on crates.io's reserved_crate_names table.
/// </summary>
internal static class ReservedCrateNames
{
    // Windows device names: a crate directory or file called `nul` or `com1` cannot be created on
    // Windows, so `cargo` would fail to unpack it there (crates.io reserves these for that reason).
    private static readonly string[] WindowsDevices =
    [
        "nul", "con", "prn", "aux",
        "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
        "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];

    // Crates shipped with the Rust toolchain (sysroot) and toolchain components: a registry crate
    // with one of these names would shadow or be confused with the real one.
    private static readonly string[] Toolchain =
    [
        "std", "core", "alloc", "proc-macro", "test",
        "compiler-builtins", "panic-abort", "panic-unwind", "unwind", "profiler-builtins",
        "rustc", "rustdoc", "rustup", "rustfmt", "clippy", "miri",
        "rust", "rustlib", "sysroot",
    ];

    public static readonly IReadOnlySet<string> BuiltIn =
        new HashSet<string>(WindowsDevices.Concat(Toolchain), StringComparer.Ordinal);
}

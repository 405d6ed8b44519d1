namespace GhostCrate.Testing;

/// <summary>The machine's Rust tools (rustup 1.29, cargo): on PATH, else in ~/.cargo/bin where rustup-init puts them.</summary>
public static class RustTools
{
    public static string Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cargo", "bin"))
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} is not installed (the toolchain tests need the real rustup)");
}

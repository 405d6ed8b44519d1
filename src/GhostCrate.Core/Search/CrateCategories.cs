namespace GhostCrate.Core.Search;

/// <summary>
/// The categories a crate may declare: crates.io's slugs and names (the `categories` list in crates.io's
/// src/boot/categories.toml; https://doc.rust-lang.org/cargo/reference/manifest.html#the-categories-field). A
/// subcategory's slug is `parent::child`. Cargo sends whatever Cargo.toml says; like crates.io, a publish keeps the known
/// slugs and answers the others as `invalid_categories` warnings.
/// </summary>
public static class CrateCategories
{
    public sealed record Category(string Slug, string Name)
    {
        /// <summary>The parent's slug for a subcategory, else null.</summary>
        public string? Parent => Slug.Contains("::", StringComparison.Ordinal) ? Slug[..Slug.IndexOf("::", StringComparison.Ordinal)] : null;
    }

    public static IReadOnlyList<Category> All { get; } =
    [
        new("algorithms", "Algorithms"),
        new("api-bindings", "API bindings"),
        new("asynchronous", "Asynchronous"),
        new("authentication", "Authentication"),
        new("caching", "Caching"),
        new("command-line-interface", "Command-line interface"),
        new("command-line-utilities", "Command line utilities"),
        new("compression", "Compression"),
        new("computer-vision", "Computer vision"),
        new("config", "Configuration"),
        new("concurrency", "Concurrency"),
        new("cryptography", "Cryptography"),
        new("cryptography::cryptocurrencies", "Cryptocurrencies"),
        new("database", "Database interfaces"),
        new("database-implementations", "Database implementations"),
        new("data-structures", "Data structures"),
        new("date-and-time", "Date and time"),
        new("development-tools", "Development tools"),
        new("development-tools::build-utils", "Build utils"),
        new("development-tools::cargo-plugins", "Cargo plugins"),
        new("development-tools::debugging", "Debugging"),
        new("development-tools::ffi", "FFI"),
        new("development-tools::procedural-macro-helpers", "Procedural macro helpers"),
        new("development-tools::profiling", "Profiling"),
        new("development-tools::testing", "Testing"),
        new("email", "Email"),
        new("embedded", "Embedded development"),
        new("emulators", "Emulators"),
        new("encoding", "Encoding"),
        new("external-ffi-bindings", "External FFI bindings"),
        new("filesystem", "Filesystem"),
        new("game-engines", "Game engines"),
        new("game-development", "Game development"),
        new("games", "Games"),
        new("graphics", "Graphics"),
        new("gui", "GUI"),
        new("hardware-support", "Hardware support"),
        new("internationalization", "Internationalization (i18n)"),
        new("localization", "Localization (L10n)"),
        new("mathematics", "Mathematics"),
        new("memory-management", "Memory management"),
        new("multimedia", "Multimedia"),
        new("multimedia::audio", "Audio"),
        new("multimedia::video", "Video"),
        new("multimedia::images", "Images"),
        new("multimedia::encoding", "Encoding"),
        new("network-programming", "Network programming"),
        new("no-std", "No standard library"),
        new("os", "Operating systems"),
        new("os::linux-apis", "Linux APIs"),
        new("os::macos-apis", "macOS APIs"),
        new("os::unix-apis", "Unix APIs"),
        new("os::windows-apis", "Windows APIs"),
        new("parser-implementations", "Parser implementations"),
        new("parsing", "Parsing tools"),
        new("rendering", "Rendering"),
        new("rendering::engine", "Rendering engine"),
        new("rendering::graphics-api", "Graphics APIs"),
        new("rendering::data-formats", "Data formats"),
        new("rust-patterns", "Rust patterns"),
        new("science", "Science"),
        new("science::robotics", "Robotics"),
        new("simulation", "Simulation"),
        new("template-engine", "Template engine"),
        new("text-editors", "Text editors"),
        new("text-processing", "Text processing"),
        new("value-formatting", "Value formatting"),
        new("visualization", "Visualization"),
        new("wasm", "WebAssembly"),
        new("web-programming", "Web programming"),
        new("web-programming::http-client", "HTTP client"),
        new("web-programming::http-server", "HTTP server"),
        new("web-programming::websocket", "WebSocket"),
    ];

    private static readonly Dictionary<string, Category> BySlug = All.ToDictionary(c => c.Slug, StringComparer.Ordinal);

    /// <summary>The category for <paramref name="slug"/> (case-insensitive, as crates.io matches them), or null.</summary>
    public static Category? Find(string? slug) =>
        slug is not null && BySlug.TryGetValue(slug.Trim().ToLowerInvariant(), out var category) ? category : null;

    /// <summary>The display name with its parent's ("Web programming › HTTP client").</summary>
    public static string FullName(Category category) =>
        category.Parent is { } parent && Find(parent) is { } p ? $"{p.Name} › {category.Name}" : category.Name;
}

using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using GhostCrate.Cli.Mirror;
using GhostCrate.Mirror;
using GhostCrate.Mirror.Sync;
using GhostCrate.Mirror.Toolchains.Custom;
using GhostCrate.Protocol.Formatting;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Cli;

/// <summary>
/// `ghostcrate toolchain upload|install|delete`: custom toolchains (docs/toolchains.md#custom-toolchains). Upload and
/// delete call the admin API with the token from GHOSTCRATE_TOKEN (never the command line, so it stays out of process
/// listings); install reads the server's dist root like rustup, checks every hash, unpacks into a folder and links it
/// with `rustup toolchain link`, because rustup 1.29 installs only official channel names.
/// </summary>
public static class CustomToolchainCommands
{
    public const string UploadUsage = "toolchain upload NAME --url URL --host TRIPLE [--rust-version TEXT] ARCHIVE.tar.gz.. | DIST-DIR (token in GHOSTCRATE_TOKEN)";
    public const string InstallUsage = "toolchain install NAME --dist-server URL [--dir DIR] [--key PUBLIC.asc] [--rustup PATH]";
    public const string DeleteUsage = "toolchain delete NAME --url URL (token in GHOSTCRATE_TOKEN)";

    public static async Task<int> UploadAsync(ParsedArgs args, TextWriter output, TextWriter error, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        args.EnsureOnly("--url", "--host", "--rust-version");
        if (args.Positionals.Count < 4) throw new CliException("usage: ghostcrate " + UploadUsage);
        var name = args.Positionals[2];
        var host = args.Option("--host") ?? throw new CliException("--host is required: the target triple the toolchain runs on (x86_64-unknown-linux-gnu)");
        var files = Archives(args.Positionals.Skip(3).ToList());
        var (provider, http, baseUri, token) = Client(args, environment);
        await using var _ = provider;
        using var content = new MultipartFormDataContent();
        content.Add(new StringContent(host), "host");
        if (args.Option("--rust-version") is { } version) content.Add(new StringContent(version), "version");
        foreach (var file in files)
        {
            var part = new StreamContent(File.OpenRead(file));
            part.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
            content.Add(part, "file", Path.GetFileName(file));
        }
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(baseUri, $"api/v1/admin/toolchains/custom/{Uri.EscapeDataString(name)}")) { Content = content };
        request.Headers.TryAddWithoutValidation("Authorization", token);
        await output.WriteLineAsync($"Uploading {files.Count} archive(s) ({ByteSize.Format(files.Sum(f => new FileInfo(f).Length))}) as `{name}`...");
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            await error.WriteLineAsync($"error: the server refused the toolchain ({(int)response.StatusCode}): {Detail(text)}");
            return 1;
        }
        using var receipt = JsonDocument.Parse(text);
        var root = receipt.RootElement;
        await output.WriteLineAsync($"Uploaded {name} ({root.GetProperty("version").GetString()}, {root.GetProperty("host").GetString()}): " +
            $"{root.GetProperty("packages").GetArrayLength()} archive(s), manifest SHA-256 {root.GetProperty("manifest_sha256").GetString()}" +
            (root.GetProperty("signed").GetBoolean() ? ", signed with the mirror's key" : ""));
        await output.WriteLineAsync($"Install it with: {root.GetProperty("install").GetString()}");
        return 0;
    }

    public static async Task<int> DeleteAsync(ParsedArgs args, TextWriter output, TextWriter error, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        args.EnsureOnly("--url");
        if (args.Positionals.Count != 3) throw new CliException("usage: ghostcrate " + DeleteUsage);
        var name = args.Positionals[2];
        var (provider, http, baseUri, token) = Client(args, environment);
        await using var _ = provider;
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(baseUri, $"api/v1/admin/toolchains/custom/{Uri.EscapeDataString(name)}"));
        request.Headers.TryAddWithoutValidation("Authorization", token);
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            await error.WriteLineAsync($"error: the server refused ({(int)response.StatusCode}): {Detail(text)}");
            return 1;
        }
        await output.WriteLineAsync($"Deleted the custom toolchain {name}; machines that installed it keep their copy (`rustup toolchain uninstall {name}` removes the link).");
        return 0;
    }

    public static async Task<int> InstallAsync(ParsedArgs args, TextWriter output, TextWriter error, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        args.EnsureOnly("--dist-server", "--dir", "--key", "--rustup");
        if (args.Positionals.Count != 3) throw new CliException("usage: ghostcrate " + InstallUsage);
        var name = args.Positionals[2];
        if (CustomToolchainName.Check(name) is { } badName) throw new CliException(badName);
        var server = args.Option("--dist-server") ?? environment("RUSTUP_DIST_SERVER")
            ?? throw new CliException("--dist-server is required: the server's toolchain address, such as http://mirror-host:8000/rustup (RUSTUP_DIST_SERVER is used when set)");
        if (!Uri.TryCreate(server, UriKind.Absolute, out var serverUri) || serverUri.Scheme is not ("http" or "https") || serverUri.Query.Length > 0)
            throw new CliException($"--dist-server: `{server}` is not an http(s) URL");
        var directory = args.Option("--dir") ?? DefaultDirectory(name, environment);
        var rustup = args.Option("--rustup") ?? "rustup";

        await using var services = MirrorCommands.Services();
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(MirrorHttp.ClientName);
        var installer = new CustomToolchainInstaller(http, TimeProvider.System);
        CustomInstallReport report;
        try
        {
            report = await installer.InstallAsync(serverUri, name, directory, args.Option("--key") is { } key ? Path.GetFullPath(key) : null, cancellationToken);
        }
        catch (MirrorException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
        await output.WriteLineAsync($"Unpacked {name} ({report.Version}, {report.Host}) into {report.Directory}: {string.Join(", ", report.Components)}" +
            (report.SignedBy is { } signer ? $"; manifest signed by {signer}" : ""));

        var (exit, text) = await RunAsync(rustup, ["toolchain", "link", name, report.Directory], cancellationToken);
        if (exit != 0)
        {
            await error.WriteLineAsync($"error: `{rustup} toolchain link {name} {report.Directory}` failed ({exit}): {text.Trim()}");
            return 1;
        }
        await output.WriteLineAsync($"Linked into rustup: `cargo +{name} build`, `rustup run {name} rustc -V`, or `rustup override set {name}` in a project.");
        return 0;
    }

    /// <summary>Files as given; a folder (`build/dist` of `x.py dist`) gives its component `.tar.gz` files.</summary>
    private static List<string> Archives(IReadOnlyList<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                // The combined installer (`rust-1.95.0-...`) repeats the components; only the per-component archives are sent.
                files.AddRange(Directory.EnumerateFiles(path, "*.tar.gz").Where(f => !IsCombined(Path.GetFileName(f))).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new CliException($"{path} is neither a component archive nor a folder");
            }
        }
        if (files.Count == 0) throw new CliException("no component .tar.gz archive found in what was given");
        return files;
    }

    private static bool IsCombined(string file) =>
        file.StartsWith("rust-", StringComparison.Ordinal) && file.Length > 5 && (char.IsAsciiDigit(file[5]) || file.StartsWith("rust-nightly-", StringComparison.Ordinal) || file.StartsWith("rust-beta-", StringComparison.Ordinal) || file.StartsWith("rust-dev-", StringComparison.Ordinal));

    private static (ServiceProvider Provider, HttpClient Http, Uri BaseUri, string Token) Client(ParsedArgs args, Func<string, string?> environment)
    {
        var url = args.Option("--url") ?? throw new CliException("--url is required: the server's address, such as https://crates.example.com");
        if (!Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
            throw new CliException($"--url must be the server's http(s) address (got '{url}')");
        var token = environment(DocsCommands.TokenVariable);
        if (string.IsNullOrWhiteSpace(token)) throw new CliException($"set {DocsCommands.TokenVariable} to an administrator's API token");
        // Long uploads: the server checks each archive as it arrives; an hour covers gigabytes on a slow link.
        var provider = new ServiceCollection().AddHttpClient("custom-toolchains", c => c.Timeout = TimeSpan.FromHours(1)).Services.BuildServiceProvider();
        return (provider, provider.GetRequiredService<IHttpClientFactory>().CreateClient("custom-toolchains"), baseUri, token.Trim());
    }

    private static string DefaultDirectory(string name, Func<string, string?> environment)
    {
        var data = environment("XDG_DATA_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(data, "ghostcrate", "toolchains", name);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return (process.ExitCode, await stdout + await stderr);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (127, $"cannot run `{file}`: {ex.Message} (install rustup, or pass --rustup PATH)");
        }
    }

    private static string Detail(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body.Length > 500 ? body[..500] : body;
        }
    }
}

using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Cli;

/// <summary>
/// `ghostcrate docs upload CRATE VERSION PATH --registry URL`: what CI runs after `cargo doc` (docs/rustdoc.md). A
/// folder is zipped in memory; an archive is sent as it is (the server tells zip from tar.gz by content). The token
/// comes from the environment, never the command line, so it stays out of process listings and CI logs.
/// </summary>
public static class DocsCommands
{
    public const string TokenVariable = "GHOSTCRATE_TOKEN";
    private const string Usage = "usage: ghostcrate docs upload CRATE VERSION PATH --registry URL (token in GHOSTCRATE_TOKEN)";

    public static async Task<int> RunAsync(ParsedArgs args, TextWriter output, TextWriter error, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (args.Positionals.ElementAtOrDefault(1) != "upload") throw new CliException(Usage);
        args.EnsureOnly("--registry");
        if (args.Positionals.Count != 5) throw new CliException(Usage);
        var (crate, version, path) = (args.Positionals[2], args.Positionals[3], args.Positionals[4]);
        var registry = args.Option("--registry") ?? throw new CliException(Usage);
        if (!Uri.TryCreate(registry.TrimEnd('/') + "/", UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
            throw new CliException($"--registry must be the registry's http(s) address, such as https://crates.example.com (got '{registry}')");
        var token = environment(TokenVariable);
        if (string.IsNullOrWhiteSpace(token)) throw new CliException($"set {TokenVariable} to a token of an owner of `{crate}` (publish-update scope)");

        var body = Directory.Exists(path) ? ZipFolder(path)
            : File.Exists(path) ? await File.ReadAllBytesAsync(path)
            : throw new CliException($"{path} is neither a folder (target/doc) nor an archive");

        var services = new ServiceCollection();
        services.AddHttpClient("docs", client => client.Timeout = TimeSpan.FromMinutes(10));
        await using var provider = services.BuildServiceProvider();
        var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("docs");
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(baseUri, $"api/v1/docs/{Uri.EscapeDataString(crate)}/{Uri.EscapeDataString(version)}"));
        request.Headers.TryAddWithoutValidation("Authorization", token.Trim());
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            await error.WriteLineAsync($"error: the registry refused the docs ({(int)response.StatusCode}): {Detail(text)}");
            return 1;
        }
        using var receipt = JsonDocument.Parse(text);
        var root = receipt.RootElement;
        await output.WriteLineAsync($"Uploaded the docs of {crate} {version}: {root.GetProperty("files").GetInt32()} files, served at {new Uri(baseUri, root.GetProperty("url").GetString()!.TrimStart('/'))}");
        return 0;
    }

    /// <summary>The folder's files with paths relative to it, as `cd target/doc && zip -r` would write them.</summary>
    private static byte[] ZipFolder(string folder)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
            {
                var relative = Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/');
                // cargo's lock file in target/doc is not documentation.
                if (relative == ".lock") continue;
                zip.CreateEntryFromFile(file, relative, CompressionLevel.Optimal);
            }
        }
        return buffer.ToArray();
    }

    private static string Detail(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.GetProperty("errors")[0].GetProperty("detail").GetString() ?? body;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            return body.Length > 500 ? body[..500] : body;
        }
    }
}

using System.Net;
using System.Text.Json.Nodes;
using GhostCrate.EndToEnd.Infrastructure;
using GhostCrate.Testing;

namespace GhostCrate.EndToEnd;

/// <summary>
/// Storage:S3:PresignedDownloads on an auth-required registry (docs/configuration.md): a permitted download is a 302 to
/// a short-lived presigned S3 URL that the real cargo follows; a caller who may not read gets no URL; every download is
/// still counted. The postgres-s3 lane only (the file store has no URLs; its downloads are sent by GhostCrate).
/// </summary>
public sealed class PresignedDownloadTests(PresignedDownloadTests.PresignedServer fixture) : EndToEndTest(fixture), IClassFixture<PresignedDownloadTests.PresignedServer>
{
    protected override void ConfigureSandbox(CargoSandbox sandbox) =>
        sandbox.ExtraEnvironment["CARGO_REGISTRIES_GHOSTCRATE_CREDENTIAL_PROVIDER"] = "cargo:token";

    [Fact]
    public async Task Cargo_builds_through_the_redirect_and_only_permitted_downloads_are_redirected_and_counted()
    {
        var id = Ids.New();
        var lib = await Cargo.NewLibAsync($"presigned-{id}", files: new Dictionary<string, string> { ["src/lib.rs"] = "pub fn seven() -> u8 { 7 }\n" });
        await Cargo.PublishOkAsync(lib, verify: false);
        var path = $"api/v1/crates/{lib.Name}/0.1.0/download";

        // No token, or one the registry does not know: refused before any URL is made.
        foreach (var token in new string?[] { null, "gce2e-unknown-" + id })
        {
            var refused = await Http.GetAsync(path, token, cancellationToken: Cancel);
            Assert.True(refused.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, refused.Describe());
            Assert.Null(refused.Message.Headers.Location);
        }

        // cargo fetches the .crate from S3 through the redirect (and leaves its token behind: another origin).
        var app = await Cargo.NewLibAsync($"presigned-app-{id}", dependencies: $"{lib.Name} = {{ version = \"0.1\", registry = \"{CargoSandbox.Registry}\" }}",
            files: new Dictionary<string, string> { ["src/lib.rs"] = $"pub fn get() -> u8 {{ {lib.RustName}::seven() }}\n" });
        await Cargo.RunOkAsync(app.Directory, ["build"]);

        var redirect = await Http.GetAsync(path, Server.AdminToken, cancellationToken: Cancel);
        Assert.True(redirect.Status == HttpStatusCode.Found, redirect.Describe());
        var cacheControl = redirect.Message.Headers.CacheControl;
        Assert.True(cacheControl is { Private: true, NoStore: true }, $"Cache-Control: {cacheControl}");
        var location = redirect.Message.Headers.Location!;
        Assert.Equal(new Uri(Lane.Current.S3Url!).Authority, location.Authority);
        // Storage:S3:PresignedDownloadSeconds' default, give or take the second S3PresignedLinks explains (a CI run saw 301).
        Assert.Matches("[?&]X-Amz-Expires=(299|300|301)(&|$)", location.Query);

        // The URL alone (no token) serves the published bytes: the index's checksum.
        using var plain = new HttpClient();
        var bytes = await plain.GetByteArrayAsync(location, Cancel);
        var entry = Assert.Single(await Http.GetIndexEntriesAsync(lib.Name, Server.AdminToken, Cancel));
        Assert.Equal(entry["cksum"]!.GetValue<string>(), CrateFiles.Sha256(bytes));

        // Counted: cargo's download and ours, not the refused ones (all were recorded before the last one).
        long downloads = 0;
        await Eventually.TrueAsync(async () => (downloads = await DownloadsAsync(lib.Name)) >= 2, "the downloads were not counted", cancellationToken: Cancel);
        Assert.Equal(2, downloads);
    }

    private async Task<long> DownloadsAsync(string name)
    {
        var answer = await Http.GetAsync($"api/v1/crates/{name}", Server.AdminToken, cancellationToken: Cancel);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Describe());
        return JsonNode.Parse(answer.Body)!["versions"]!.AsArray().Sum(v => v!["downloads"]!.GetValue<long>());
    }

    /// <summary>An auth-required server on S3 with presigned downloads on.</summary>
    public sealed class PresignedServer : ServerFixture
    {
        protected override ServerOptions Options => new()
        {
            AuthRequired = true,
            Settings = new Dictionary<string, string> { ["GHOSTCRATE_Storage__S3__PresignedDownloads"] = "true" },
        };

        protected override string? LaneSkipReason =>
            Lane.Current.Kind == BackendKind.PostgresS3 ? null : "presigned downloads need S3 (the postgres-s3 lane)";
    }
}

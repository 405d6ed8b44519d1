using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests;

public class PublishTests
{
    [Fact]
    public async Task Published_crate_is_in_the_index_and_downloads_with_the_indexed_checksum()
    {
        await using var app = await TestApp.StartAsync();
        var crate = CrateFileBuilder.Valid("hello-world", "0.1.0");
        var response = await app.PublishAsync(crate.PublishBody());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var index = await app.Client().GetStringAsync("/index/he/ll/hello-world");
        var line = JsonDocument.Parse(index.TrimEnd('\n')).RootElement;
        Assert.Equal("hello-world", line.GetProperty("name").GetString());
        Assert.Equal("0.1.0", line.GetProperty("vers").GetString());
        Assert.False(line.GetProperty("yanked").GetBoolean());

        var bytes = await app.Client().GetByteArrayAsync("/api/v1/crates/hello-world/0.1.0/download");
        Assert.Equal(line.GetProperty("cksum").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.Equal(["crates/hello-world/hello-world-0.1.0.crate"], app.BlobFiles());
    }

    [Fact]
    public async Task Publishing_without_a_token_is_refused_with_a_cargo_challenge()
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.PublishAsync(CrateFileBuilder.Valid("anon", "1.0.0").PublishBody(), token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Cargo login_url=", response.Headers.WwwAuthenticate.ToString());
        Assert.Contains("cargo login", await Json.ErrorDetailAsync(response));
        Assert.Empty(app.BlobFiles());
    }

    [Fact]
    public async Task Invalid_token_is_refused()
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.PublishAsync(CrateFileBuilder.Valid("anon", "1.0.0").PublishBody(), token: "gcr_not_a_real_token_000000000000");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("not valid", await Json.ErrorDetailAsync(response));
    }

    public static TheoryData<string, Func<CrateFileBuilder>, string> HostileCrates => new()
    {
        { "path traversal", () => CrateFileBuilder.Valid("evil", "1.0.0").File("evil-1.0.0/../../escape.txt", "x"), ".." },
        { "wrong prefix", () => CrateFileBuilder.Valid("evil", "1.0.0").File("other-1.0.0/src/x.rs", "x"), "evil-1.0.0/" },
        { "symlink", () => CrateFileBuilder.Valid("evil", "1.0.0").Symlink("evil-1.0.0/link", "/etc/passwd"), "link" },
        { "manifest name mismatch", () => CrateFileBuilder.Valid("evil", "1.0.0", manifestName: "other"), "other" },
        { "manifest version mismatch", () => CrateFileBuilder.Valid("evil", "1.0.0", manifestVersion: "2.0.0"), "2.0.0" },
    };

    [Theory]
    [MemberData(nameof(HostileCrates))]
    public async Task Hostile_tarball_is_rejected_and_nothing_is_stored(string why, Func<CrateFileBuilder> build, string mentioned)
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.PublishAsync(build().PublishBody());
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: got {response.StatusCode}");
        Assert.Contains(mentioned, await Json.ErrorDetailAsync(response));
        Assert.Empty(app.BlobFiles());
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/index/ev/il/evil")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/api/v1/crates/evil")).StatusCode);
    }

    [Fact]
    public async Task Rejected_new_version_leaves_the_existing_crate_exactly_as_it_was()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("stable", "1.0.0").PublishBody())).StatusCode);
        var indexBefore = await app.Client().GetStringAsync("/index/st/ab/stable");
        var blobsBefore = app.BlobFiles();

        var hostile = CrateFileBuilder.Valid("stable", "1.1.0").File("stable-1.1.0/../x", "x");
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PublishAsync(hostile.PublishBody())).StatusCode);

        Assert.Equal(indexBefore, await app.Client().GetStringAsync("/index/st/ab/stable"));
        Assert.Equal(blobsBefore, app.BlobFiles());
    }

    [Fact]
    public async Task Body_over_the_size_limit_gets_413_and_stores_nothing()
    {
        await using var app = await TestApp.StartAsync(new() { ["Registry:MaxCrateSizeBytes"] = "2048" });
        var big = CrateFileBuilder.Valid("big", "1.0.0").File("big-1.0.0/data.bin", RandomNumberGenerator.GetBytes(8192));
        var response = await app.PublishAsync(big.PublishBody());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.NotEmpty(await Json.ErrorDetailAsync(response));
        Assert.Empty(app.BlobFiles());
    }

    [Theory]
    [InlineData("1.0.0")]
    [InlineData("1.0.0+build.7")]
    public async Task Republishing_a_version_is_a_conflict(string second)
    {
        await using var app = await TestApp.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("dup", "1.0.0").PublishBody())).StatusCode);
        var response = await app.PublishAsync(CrateFileBuilder.Valid("dup", second).PublishBody());
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("already exists", await Json.ErrorDetailAsync(response));
        Assert.Single((await app.Client().GetStringAsync("/index/3/d/dup")).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Names_differing_only_in_dash_underscore_or_case_are_the_same_crate()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("foo-bar", "1.0.0").PublishBody())).StatusCode);
        foreach (var other in new[] { "foo_bar", "Foo-Bar" })
        {
            var response = await app.PublishAsync(CrateFileBuilder.Valid(other, "2.0.0").PublishBody());
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Contains("foo-bar", await Json.ErrorDetailAsync(response));
        }
        // cargo asks for the lowercase spelling it depends on: foo_bar must not answer for foo-bar.
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/index/fo/o_/foo_bar")).StatusCode);
    }

    [Theory]
    [InlineData("1abc", "start with")]
    [InlineData("has space", "")]
    [InlineData("nul", "reserved")]
    public async Task Invalid_names_are_refused(string name, string mentioned)
    {
        await using var app = await TestApp.StartAsync();
        var body = CrateFileBuilder.PublishBody(CrateFileBuilder.Metadata(name, "1.0.0"), CrateFileBuilder.Valid(name, "1.0.0").BuildCrate());
        var response = await app.PublishAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(mentioned, await Json.ErrorDetailAsync(response));
    }

    [Fact]
    public async Task Non_owner_cannot_publish_a_new_version()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("mine", "1.0.0").PublishBody())).StatusCode);
        var other = await Users.CreateWithTokenAsync(app, "mallory");
        var response = await app.PublishAsync(CrateFileBuilder.Valid("mine", "1.1.0").PublishBody(), other);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("not an owner", await Json.ErrorDetailAsync(response));
    }

    [Fact]
    public async Task Dependencies_keep_their_registry_and_unknown_registries_are_refused()
    {
        await using var app = await TestApp.StartAsync();
        var cratesIo = CrateFileBuilder.Valid("uses-serde", "1.0.0")
            .PublishBody([CrateFileBuilder.Dependency("serde", "^1.0", registry: "https://github.com/rust-lang/crates.io-index")]);
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(cratesIo)).StatusCode);
        var line = JsonDocument.Parse((await app.Client().GetStringAsync("/index/us/es/uses-serde")).TrimEnd()).RootElement;
        Assert.Equal("https://github.com/rust-lang/crates.io-index", line.GetProperty("deps")[0].GetProperty("registry").GetString());

        var elsewhere = CrateFileBuilder.Valid("uses-other", "1.0.0")
            .PublishBody([CrateFileBuilder.Dependency("thing", "^1.0", registry: "https://other.example/index")]);
        var refused = await app.PublishAsync(elsewhere);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("https://other.example/index", await Json.ErrorDetailAsync(refused));

        var missing = CrateFileBuilder.Valid("uses-missing", "1.0.0").PublishBody([CrateFileBuilder.Dependency("not-here", "^1.0")]);
        var missingResponse = await app.PublishAsync(missing);
        Assert.Equal(HttpStatusCode.BadRequest, missingResponse.StatusCode);
        Assert.Contains("publish `not-here` first", await Json.ErrorDetailAsync(missingResponse));
        Assert.Single(app.BlobFiles());
    }

    [Fact]
    public async Task Allowed_other_registry_is_accepted_when_configured()
    {
        await using var app = await TestApp.StartAsync(new() { ["Registry:AllowedDependencyRegistries:0"] = "https://other.example/index" });
        var body = CrateFileBuilder.Valid("uses-other", "1.0.0").PublishBody([CrateFileBuilder.Dependency("thing", "^1.0", registry: "https://other.example/index")]);
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(body)).StatusCode);
    }

    [Fact]
    public async Task Malformed_body_gets_a_cargo_error()
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.PublishAsync([1, 2, 3]);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty(await Json.ErrorDetailAsync(response));
    }
}

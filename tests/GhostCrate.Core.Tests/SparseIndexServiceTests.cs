using GhostCrate.Core.Crates;
using GhostCrate.Core.Index;

namespace GhostCrate.Core.Tests;

public class SparseIndexServiceTests
{
    private const string Line1 = """{"name":"Foo-Bar","vers":"1.0.0","deps":[],"cksum":"aa","features":{},"yanked":false,"links":null,"v":1,"rust_version":null}""";
    private const string Line2 = """{"name":"Foo-Bar","vers":"1.1.0","deps":[],"cksum":"bb","features":{},"yanked":false,"links":null,"v":1,"rust_version":null}""";

    [Fact]
    public async Task Renders_one_line_per_version_with_the_current_yanked_flag()
    {
        var service = new SparseIndexService(new OneCrate(new IndexSource("Foo-Bar", DateTimeOffset.Parse("2026-01-02T03:04:05.678Z"), [new(Line1, false), new(Line2, true)])));
        var file = await service.GetAsync("foo-bar", CancellationToken.None);
        var lines = System.Text.Encoding.UTF8.GetString(file!.Content).Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal("", lines[2]);
        Assert.Contains("\"yanked\":false", lines[0]);
        Assert.Contains("\"yanked\":true", lines[1]);
        Assert.Equal(DateTimeOffset.Parse("2026-01-02T03:04:05Z"), file.LastModified);
        Assert.StartsWith("\"", file.ETag);
    }

    [Fact]
    public async Task Etag_depends_on_the_bytes()
    {
        var a = await new SparseIndexService(new OneCrate(new IndexSource("Foo-Bar", DateTimeOffset.UnixEpoch, [new(Line1, false)]))).GetAsync("foo-bar", CancellationToken.None);
        var b = await new SparseIndexService(new OneCrate(new IndexSource("Foo-Bar", DateTimeOffset.UnixEpoch, [new(Line1, true)]))).GetAsync("foo-bar", CancellationToken.None);
        var c = await new SparseIndexService(new OneCrate(new IndexSource("Foo-Bar", DateTimeOffset.UnixEpoch, [new(Line1, false)]))).GetAsync("foo-bar", CancellationToken.None);
        Assert.NotEqual(a!.ETag, b!.ETag);
        Assert.Equal(a.ETag, c!.ETag);
    }

    [Fact]
    public async Task Another_spelling_of_the_canonical_name_is_not_found()
    {
        var service = new SparseIndexService(new OneCrate(new IndexSource("Foo-Bar", DateTimeOffset.UnixEpoch, [new(Line1, false)])));
        Assert.Null(await service.GetAsync("foo_bar", CancellationToken.None));
        Assert.NotNull(await service.GetAsync("foo-bar", CancellationToken.None));
    }

    /// <summary>A unit-test fake of the repository: only the index source is needed here.</summary>
    private sealed class OneCrate(IndexSource source) : ICrateRepository
    {
        public Task<IndexSource?> GetIndexSourceAsync(string canonicalName, CancellationToken cancellationToken) =>
            Task.FromResult<IndexSource?>(canonicalName == "foo-bar" ? source : null);
        public Task<CrateRecord?> FindAsync(string canonicalName, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<VersionRecord>> ListVersionsAsync(long crateId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<VersionRecord?> FindVersionAsync(string canonicalName, string version, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<PublishWriteResult> PublishAsync(NewCrateVersion version, Func<CancellationToken, Task> storeBlob, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<bool> SetYankedAsync(string canonicalName, string version, bool yanked, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<CrateSearchPage> SearchAsync(string query, int offset, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task IncrementDownloadsAsync(long versionId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<long> CountCratesAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}

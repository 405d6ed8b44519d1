using System.Net;
using System.Security.Cryptography;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Downloads;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests;

/// <summary>
/// A new body that arrives whole is kept unnamed in its final folder until the group sync, then named there: at the
/// moment of the sync neither a partial file nor the final name exists, and afterwards the final file holds the bytes.
/// Bodies longer than the gather buffer still collect in the partial file, where a later run can resume them. The
/// group sync's action is where the test looks at the folders, so the order is exact.
/// </summary>
public sealed class WholeBodyDownloadTests : IDisposable
{
    private readonly string _root = TempDir.Create("wholebody");
    private readonly MirrorLayout _layout;

    public WholeBodyDownloadTests() => _layout = new MirrorLayout(_root);

    public void Dispose() => TempDir.Delete(_root);

    [Fact]
    public async Task A_body_that_arrives_whole_has_no_partial_file_and_is_named_only_after_the_sync()
    {
        var body = RandomNumberGenerator.GetBytes(20 * 1024);
        var request = Request(body);
        var final = _layout.CrateFile(request.Name, request.Version);
        var seen = new List<string>();
        var group = new GroupSync(() =>
        {
            seen.Add($"partial {File.Exists(_layout.PartialFile(request.Name, request.Version))}, final {File.Exists(final)}");
            return true;
        });

        var outcome = await Downloader(body, group).DownloadAsync(request, CancellationToken.None);

        Assert.Equal(DownloadStatus.Downloaded, outcome.Status);
        Assert.Equal(["partial False, final False"], seen);
        Assert.Equal(body, await File.ReadAllBytesAsync(final));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_layout.PartialDir));
    }

    [Fact]
    public async Task A_body_longer_than_one_gather_collects_in_the_partial_file_that_a_later_run_resumes()
    {
        var body = RandomNumberGenerator.GetBytes(200 * 1024);
        var request = Request(body);
        var final = _layout.CrateFile(request.Name, request.Version);
        var seen = new List<string>();
        var group = new GroupSync(() =>
        {
            var partial = _layout.PartialFile(request.Name, request.Version);
            seen.Add($"partial {(File.Exists(partial) ? new FileInfo(partial).Length : -1)}, final {File.Exists(final)}");
            return true;
        });

        var outcome = await Downloader(body, group).DownloadAsync(request, CancellationToken.None);

        Assert.Equal(DownloadStatus.Downloaded, outcome.Status);
        Assert.Equal([$"partial {body.Length}, final False"], seen);
        Assert.Equal(body, await File.ReadAllBytesAsync(final));
    }

    [Fact]
    public async Task A_whole_body_with_the_wrong_checksum_leaves_nothing_behind()
    {
        var body = RandomNumberGenerator.GetBytes(4096);
        var request = Request(body) with { Cksum = new string('0', 64) };
        var group = new GroupSync(() => true);

        var outcome = await Downloader(body, group, new DownloadConfig { MaxAttempts = 1 }).DownloadAsync(request, CancellationToken.None);

        Assert.Equal(DownloadStatus.Failed, outcome.Status);
        Assert.Contains("checksum mismatch", outcome.Error);
        Assert.False(File.Exists(_layout.CrateFile(request.Name, request.Version)));
        Assert.Empty(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories));
        // Not even the crate's folder: it is made only for a body that was accepted.
        Assert.False(Directory.Exists(Path.GetDirectoryName(_layout.CrateFile(request.Name, request.Version))));
    }

    [Fact]
    public async Task A_whole_body_replaces_a_file_that_appeared_under_its_name_meanwhile()
    {
        var body = RandomNumberGenerator.GetBytes(4096);
        var request = Request(body);
        var final = _layout.CrateFile(request.Name, request.Version);
        // The caller saw the file missing (DownloadMissingAsync), then something put other bytes there: the name
        // cannot be given to the unnamed file (it exists), so the bytes take the partial file and its rename instead.
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        await File.WriteAllTextAsync(final, "stale");

        var outcome = await Downloader(body, new GroupSync(() => true)).DownloadMissingAsync(request, CancellationToken.None);

        Assert.Equal(DownloadStatus.Downloaded, outcome.Status);
        Assert.Equal(body, await File.ReadAllBytesAsync(final));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_layout.PartialDir));
    }

    private static DownloadRequest Request(byte[] body) =>
        new("demo", "1.0.0", Convert.ToHexStringLower(SHA256.HashData(body)), new Uri("http://upstream.invalid/demo-1.0.0.crate"));

    private CrateDownloader Downloader(byte[] body, GroupSync group, DownloadConfig? config = null) =>
        new(new HttpClient(new OneBody(body)), _layout, config ?? new DownloadConfig(), NoProgress.Instance, durability: group);

    /// <summary>The upstream: every request gets the same body, whole.</summary>
    private sealed class OneBody(byte[] body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body), RequestMessage = request });
    }
}

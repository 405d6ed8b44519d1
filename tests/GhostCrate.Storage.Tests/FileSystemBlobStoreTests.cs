using GhostCrate.Core.Storage;
using GhostCrate.Storage.FileSystem;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Storage.Tests;

public sealed class FileSystemBlobStoreTests : BlobStoreContractTests
{
    // The store's root is a child of a per-test folder, so a key that escaped the root would land in Sandbox.
    private readonly string _sandbox = Directory.CreateTempSubdirectory("ghostcrate-fs-").FullName;

    private string Root => Path.Combine(_sandbox, "blobs");

    private string TempFolder => Path.Combine(Root, ".tmp");

    protected override ValueTask<IBlobStore> CreateStoreAsync() =>
        ValueTask.FromResult<IBlobStore>(new FileSystemBlobStore(Root, NullLogger<FileSystemBlobStore>.Instance));

    public override async ValueTask DisposeAsync()
    {
        Directory.Delete(_sandbox, recursive: true);
        await base.DisposeAsync();
    }

    [Fact]
    public async Task A_put_whose_stream_fails_midway_leaves_no_blob_and_no_temp_file()
    {
        var key = BlobKey.CrateFile("broken", "1.0.0");

        await Assert.ThrowsAsync<IOException>(() => Store.PutAsync(key, InterruptedStream.Throwing(200_000), BlobPutMode.IfAbsent, Ct));

        Assert.False(await Store.ExistsAsync(key, Ct));
        Assert.Empty(FilesUnder(Root));
    }

    [Fact]
    public async Task A_failed_overwrite_keeps_the_previous_blob()
    {
        var key = BlobKey.CrateFile("kept", "1.0.0");
        var original = Payloads.Random(1000, seed: 30);
        await Store.PutBytesAsync(key, original, BlobPutMode.Overwrite);

        await Assert.ThrowsAsync<IOException>(() => Store.PutAsync(key, InterruptedStream.Throwing(100_000), BlobPutMode.Overwrite, Ct));

        Assert.Equal(original, await Store.ReadBytesAsync(key));
        Assert.Empty(Directory.EnumerateFiles(TempFolder));
    }

    [Fact]
    public async Task A_put_cancelled_midway_leaves_no_blob_and_no_temp_file()
    {
        var key = BlobKey.CrateFile("abandoned", "1.0.0");
        using var cts = new CancellationTokenSource();
        // The client "goes away" after 100 kB have been written to the temp file.
        var content = new InterruptedStream(100_000, cts.Cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.PutAsync(key, content, BlobPutMode.Overwrite, cts.Token));

        Assert.False(await Store.ExistsAsync(key, Ct));
        Assert.Empty(FilesUnder(Root));
    }

    [Theory]
    [InlineData("../outside.bin")]
    [InlineData("crates/../../outside.bin")]
    [InlineData(".tmp/reserved.bin")]
    public async Task Keys_cannot_escape_the_root_or_touch_temp_files(string path)
    {
        var key = BlobKey.FromPath(path);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.PutBytesAsync(key, [1], BlobPutMode.Overwrite));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ExistsAsync(key, Ct));

        Assert.False(File.Exists(Path.Combine(_sandbox, "outside.bin")));
        Assert.Empty(FilesUnder(_sandbox));
    }

    [Fact]
    public async Task An_absolute_key_is_rejected_even_when_it_points_inside_the_root()
    {
        var inside = Path.Combine(Root, "crates", "x.crate");

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.PutBytesAsync(BlobKey.FromPath(inside), [1], BlobPutMode.Overwrite));
    }

    [Theory]
    [InlineData("../")]
    [InlineData("crates/../../")]
    [InlineData(".tmp/")]
    public async Task Listing_prefixes_cannot_escape_the_root_or_list_temp_files(string prefix)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ListSortedAsync(prefix));
    }

    [Fact]
    public async Task Listings_skip_leftover_temp_files_but_include_dot_files()
    {
        // A crash between writing a temp file and renaming it leaves the temp file behind.
        Directory.CreateDirectory(TempFolder);
        await File.WriteAllBytesAsync(Path.Combine(TempFolder, "crashed.partial"), [1], Ct);
        await Store.PutBytesAsync(BlobKey.FromPath("crates/.hidden/x.bin"), [1], BlobPutMode.Overwrite);
        await Store.PutBytesAsync(BlobKey.FromPath(".well-known/y.bin"), [1], BlobPutMode.Overwrite);

        Assert.Equal([".well-known/y.bin", "crates/.hidden/x.bin"], await Store.ListSortedAsync(""));
    }

    [Fact]
    public async Task Blobs_are_plain_files_at_their_key_path()
    {
        var bytes = Payloads.Random(10, seed: 31);

        await Store.PutBytesAsync(BlobKey.CrateFile("Serde", "1.0.0"), bytes, BlobPutMode.IfAbsent);

        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(Root, "crates", "serde", "serde-1.0.0.crate"), Ct));
    }

    [Fact]
    public async Task A_reader_keeps_its_blob_while_the_key_is_overwritten_and_deleted()
    {
        var key = BlobKey.CrateFile("streaming", "1.0.0");
        var original = Payloads.Random(200_000, seed: 32);
        await Store.PutBytesAsync(key, original, BlobPutMode.Overwrite);

        await using var blob = await Store.OpenReadAsync(key, Ct);
        Assert.NotNull(blob);
        await Store.PutBytesAsync(key, Payloads.Random(10, seed: 33), BlobPutMode.Overwrite);
        await Store.DeleteAsync(key, Ct);

        using var read = new MemoryStream();
        await blob.Stream.CopyToAsync(read, Ct);
        Assert.Equal(original, read.ToArray());
    }

    private static string[] FilesUnder(string folder) =>
        Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            : [];
}

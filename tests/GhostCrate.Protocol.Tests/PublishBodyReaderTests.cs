using System.Buffers.Binary;
using System.Text;
using GhostCrate.Protocol.Publishing;

namespace GhostCrate.Protocol.Tests;

public class PublishBodyReaderTests
{
    private const long MetaLimit = 1024 * 1024;
    private const long CrateLimit = 10 * 1024 * 1024;
    private static readonly byte[] CrateBytes = [0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5];
    private static readonly string ValidJson = Json.Q(
        "{'name':'demo','vers':'1.0.0','deps':[{'name':'serde','version_req':'^1','features':['derive'],'optional':false,'default_features':true,'target':null,'kind':'normal','registry':null,'explicit_name_in_toml':null}]," +
        "'features':{'default':[]},'authors':['A'],'description':'d','keywords':[],'categories':[],'license':'MIT','links':null,'rust_version':'1.70','unknown_future_field':42}");

    private static byte[] U32(long value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)value);
        return b;
    }

    private static byte[] Body(string json, byte[] crate, byte[]? trailing = null) =>
        [.. U32(Encoding.UTF8.GetByteCount(json)), .. Encoding.UTF8.GetBytes(json), .. U32(crate.Length), .. crate, .. trailing ?? []];

    /// <summary>Runs both the in-memory and the streaming reader and checks they agree.</summary>
    private static async Task<PublishBodyResult> ReadBoth(byte[] body, long metaLimit = MetaLimit, long crateLimit = CrateLimit)
    {
        var sync = PublishBodyReader.Read(body, metaLimit, crateLimit);
        var async = await PublishBodyReader.ReadAsync(new MemoryStream(body), metaLimit, crateLimit, TestContext.Current.CancellationToken);
        Assert.Equal(sync.Error?.Kind, async.Error?.Kind);
        // Records hold lists, which compare by reference; compare their JSON instead.
        Assert.Equal(Json.Write(sync.Metadata), Json.Write(async.Metadata));
        Assert.Equal(sync.CrateFile.ToArray(), async.CrateFile.ToArray());
        return sync;
    }

    [Fact]
    public async Task Reads_a_valid_body()
    {
        var result = await ReadBoth(Body(ValidJson, CrateBytes));
        Assert.True(result.IsSuccess);
        Assert.Null(result.Error);
        Assert.Equal("demo", result.Metadata.Name);
        Assert.Equal("1.0.0", result.Metadata.Vers);
        Assert.Equal("^1", Assert.Single(result.Metadata.Deps).VersionReq);
        Assert.Equal("1.70", result.Metadata.RustVersion);
        Assert.Equal(CrateBytes, result.CrateFile.ToArray());
    }

    [Fact]
    public async Task Json_nulls_in_collections_become_empty()
    {
        var json = Json.Q("{'name':'demo','vers':'1.0.0','deps':null,'features':{'a':null},'authors':null,'keywords':null,'categories':null}");
        var result = await ReadBoth(Body(json, CrateBytes));
        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Empty(result.Metadata.Deps);
        Assert.Empty(result.Metadata.Features["a"]);
        Assert.Empty(result.Metadata.Authors);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task Truncated_before_metadata_length(int length)
    {
        var result = await ReadBoth(new byte[length]);
        Assert.Equal(PublishBodyErrorKind.Truncated, result.Error?.Kind);
    }

    [Fact]
    public async Task Truncated_inside_metadata()
    {
        var body = Body(ValidJson, CrateBytes)[..20];
        var result = await ReadBoth(body);
        Assert.Equal(PublishBodyErrorKind.Truncated, result.Error?.Kind);
        Assert.Contains("only 16 arrived", result.Error!.Message);
    }

    [Fact]
    public async Task Truncated_before_crate_length()
    {
        byte[] body = [.. U32(ValidJson.Length), .. Encoding.UTF8.GetBytes(ValidJson), 1, 0];
        Assert.Equal(PublishBodyErrorKind.Truncated, (await ReadBoth(body)).Error?.Kind);
    }

    [Fact]
    public async Task Truncated_inside_crate()
    {
        var full = Body(ValidJson, CrateBytes);
        var result = await ReadBoth(full[..^2]);
        Assert.Equal(PublishBodyErrorKind.Truncated, result.Error?.Kind);
        Assert.Contains("crate file should be 9 bytes but only 7 arrived", result.Error!.Message);
    }

    [Fact]
    public async Task Metadata_too_large_is_decided_from_the_declared_length_alone()
    {
        var result = await ReadBoth(U32(2048), metaLimit: 1024);
        Assert.Equal(PublishBodyErrorKind.MetadataTooLarge, result.Error?.Kind);
        Assert.Equal(
            "the crate metadata is 2 KiB, larger than this registry's limit of 1 KiB; shorten the description, keywords or feature lists in Cargo.toml",
            result.Error!.Message);
    }

    [Fact]
    public async Task Crate_too_large_message_shows_sizes_in_mib()
    {
        byte[] body = [.. U32(ValidJson.Length), .. Encoding.UTF8.GetBytes(ValidJson), .. U32(12 * 1024 * 1024 + 512 * 1024)];
        var result = await ReadBoth(body, crateLimit: 10 * 1024 * 1024);
        Assert.Equal(PublishBodyErrorKind.CrateTooLarge, result.Error?.Kind);
        Assert.StartsWith("the crate file is 12.5 MiB, larger than this registry's limit of 10 MiB", result.Error!.Message);
    }

    [Fact]
    public async Task Crate_one_byte_over_the_limit_shows_exact_bytes()
    {
        byte[] body = [.. U32(ValidJson.Length), .. Encoding.UTF8.GetBytes(ValidJson), .. U32(10 * 1024 * 1024 + 1)];
        var result = await ReadBoth(body, crateLimit: 10 * 1024 * 1024);
        Assert.Equal(PublishBodyErrorKind.CrateTooLarge, result.Error?.Kind);
        Assert.Contains("10485761 bytes, larger than this registry's limit of 10485760 bytes", result.Error!.Message);
    }

    [Fact]
    public async Task Crate_exactly_at_the_limit_is_accepted()
    {
        var result = await ReadBoth(Body(ValidJson, CrateBytes), crateLimit: CrateBytes.Length);
        Assert.True(result.IsSuccess);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{'name':'demo','vers':'1.0.0','deps':[null]}")]
    [InlineData("{'name':'demo','vers':'1.0.0','features':{'a':[null]}}")]
    [InlineData("{'name':'demo','vers':1}")]
    public async Task Invalid_json(string json)
    {
        var result = await ReadBoth(Body(Json.Q(json), CrateBytes));
        Assert.Equal(PublishBodyErrorKind.InvalidJson, result.Error?.Kind);
        Assert.Null(result.Metadata);
    }

    [Fact]
    public async Task Trailing_bytes()
    {
        var result = await ReadBoth(Body(ValidJson, CrateBytes, trailing: [0, 0, 0]));
        Assert.Equal(PublishBodyErrorKind.TrailingBytes, result.Error?.Kind);
        Assert.Contains("3 unexpected bytes", result.Error!.Message);
    }

    [Theory]
    [InlineData("{'vers':'1.0.0'}", "`name`")]
    [InlineData("{'name':'','vers':'1.0.0'}", "`name`")]
    [InlineData("{'name':'demo'}", "`vers`")]
    [InlineData("{'name':'demo','vers':''}", "`vers`")]
    [InlineData("{'name':'demo','vers':'1.0.0','deps':[{'version_req':'^1'}]}", "dependency #1 in the crate metadata has no `name`")]
    [InlineData("{'name':'demo','vers':'1.0.0','deps':[{'name':'serde'}]}", "dependency `serde` in the crate metadata has no `version_req`")]
    public async Task Missing_field(string json, string expected)
    {
        var result = await ReadBoth(Body(Json.Q(json), CrateBytes));
        Assert.Equal(PublishBodyErrorKind.MissingField, result.Error?.Kind);
        Assert.Contains(expected, result.Error!.Message);
    }

    [Fact]
    public async Task ReadAsync_stops_reading_as_soon_as_the_declared_crate_length_is_over_the_limit()
    {
        byte[] head = [.. U32(ValidJson.Length), .. Encoding.UTF8.GetBytes(ValidJson), .. U32(uint.MaxValue)];
        var stream = new EndlessStream(head);
        var result = await PublishBodyReader.ReadAsync(stream, MetaLimit, CrateLimit, TestContext.Current.CancellationToken);
        Assert.Equal(PublishBodyErrorKind.CrateTooLarge, result.Error?.Kind);
        Assert.Equal(head.Length, stream.BytesRead);
    }

    [Fact]
    public async Task ReadAsync_stops_reading_as_soon_as_the_declared_metadata_length_is_over_the_limit()
    {
        var stream = new EndlessStream(U32(uint.MaxValue));
        var result = await PublishBodyReader.ReadAsync(stream, MetaLimit, CrateLimit, TestContext.Current.CancellationToken);
        Assert.Equal(PublishBodyErrorKind.MetadataTooLarge, result.Error?.Kind);
        Assert.Equal(4, stream.BytesRead);
    }

    [Fact]
    public async Task ReadAsync_reads_at_most_one_byte_of_trailing_garbage()
    {
        var stream = new EndlessStream(Body(ValidJson, CrateBytes));
        var result = await PublishBodyReader.ReadAsync(stream, MetaLimit, CrateLimit, TestContext.Current.CancellationToken);
        Assert.Equal(PublishBodyErrorKind.TrailingBytes, result.Error?.Kind);
        Assert.Equal(Body(ValidJson, CrateBytes).Length + 1, stream.BytesRead);
    }

    /// <summary>Serves a prefix, then 0xFF forever, counting every byte handed out.</summary>
    private sealed class EndlessStream(byte[] prefix) : Stream
    {
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            for (var i = 0; i < count; i++)
                buffer[offset + i] = BytesRead + i < prefix.Length ? prefix[BytesRead + i] : (byte)0xFF;
            BytesRead += count;
            return count;
        }
    }
}

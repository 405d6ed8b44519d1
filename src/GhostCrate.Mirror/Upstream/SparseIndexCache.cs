using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GhostCrate.Mirror.Storage;
using GhostCrate.Protocol.Client;
using GhostCrate.Protocol.Index;

namespace GhostCrate.Mirror.Upstream;

/// <summary>
/// The upstream's copy of each sparse index file with the ETag/Last-Modified it came with
/// (.ghostcrate/sparse/{index path}), so the next sync asks with If-None-Match/If-Modified-Since and a 304 costs
/// neither a body nor a rewrite. The served index cannot stand in for it: it keeps only the selected, present lines.
/// One file holds a header line (validators and the content's SHA-256) and then the content, replaced by one rename;
/// a damaged or half-written file fails the hash check and is simply not used (the next fetch is unconditional), so
/// the cache needs no fsync.
/// </summary>
public sealed class SparseIndexCache(MirrorLayout layout)
{
    private string PathOf(string name) => Path.Combine(layout.SparseCacheDir, IndexPath.ForCrate(name));

    public (byte[] Content, IndexValidators Validators)? Read(string name)
    {
        var path = PathOf(name);
        byte[] all;
        try
        {
            all = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        var newline = Array.IndexOf(all, (byte)'\n');
        if (newline < 0) return null;
        Header? header;
        try
        {
            header = JsonSerializer.Deserialize<Header>(all.AsSpan(0, newline));
        }
        catch (JsonException)
        {
            return null;
        }
        var content = all[(newline + 1)..];
        if (header is null || header.Sha256 != Convert.ToHexStringLower(SHA256.HashData(content))) return null;
        var validators = new IndexValidators(header.ETag, header.LastModified);
        return validators.IsEmpty ? null : (content, validators);
    }

    public void Write(string name, byte[] content, IndexValidators validators)
    {
        var path = PathOf(name);
        if (validators.IsEmpty)
        {
            // Nothing to revalidate with: a stale copy would only cost disk.
            Delete(name);
            return;
        }
        var header = JsonSerializer.SerializeToUtf8Bytes(new Header(validators.ETag, validators.LastModified, Convert.ToHexStringLower(SHA256.HashData(content))));
        var temp = AtomicFile.NewTempPath(layout);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(header);
                stream.WriteByte((byte)'\n');
                stream.Write(content);
            }
            AtomicFile.MoveIntoPlace(temp, path);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public void Delete(string name)
    {
        var path = PathOf(name);
        if (File.Exists(path)) File.Delete(path);
    }

    private sealed record Header(string? ETag, string? LastModified, string Sha256);
}

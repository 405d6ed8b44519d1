using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace GhostCrate.Core.Backup.Encryption;

/// <summary>
/// The encrypted file format of a backup: AES-256-GCM over fixed-size chunks, so files of any size are encrypted and
/// decrypted as streams in constant memory. This is the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár
/// ("Online Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance", CRYPTO 2015, section 7; the same shape as
/// age's payload, https://age-encryption.org/v1): each chunk's nonce is its index and a last-chunk flag, so dropping,
/// reordering or appending chunks, or cutting the file at a chunk boundary, fails authentication.
/// <para>
/// Layout: the 8-byte magic, the chunk size (4 bytes, big-endian), a random 32-byte salt; then each chunk's ciphertext
/// followed by its 16-byte tag. The file key is HKDF-SHA256(master key, salt) (RFC 5869), a fresh key per file, so
/// the 96-bit nonces never repeat under one key however many files a backup holds. The associated data binds the
/// file's path in the backup, so a file moved to another name does not decrypt either.
/// </para>
/// </summary>
public static class ChunkedAead
{
    public const int ChunkSize = 64 * 1024;
    public const int TagSize = 16;
    public const int SaltSize = 32;
    private const int NonceSize = 12;
    private static readonly byte[] Magic = "GCBKAE01"u8.ToArray();
    public static readonly int HeaderSize = Magic.Length + 4 + SaltSize;
    private static readonly byte[] FileKeyInfo = "ghostcrate backup file v1"u8.ToArray();

    /// <summary>A stream that reads <paramref name="plaintext"/> (not owning it) and yields the encrypted file stored at <paramref name="path"/>.</summary>
    public static Stream Encrypt(Stream plaintext, ReadOnlySpan<byte> masterKey, string path) => new EncryptingStream(plaintext, masterKey, path);

    /// <summary>
    /// A stream that reads (and owns) the encrypted file stored at <paramref name="path"/> and yields its plaintext; it throws
    /// <see cref="BackupException"/> naming the path when the file is not one, or a chunk does not authenticate.
    /// </summary>
    public static Stream Decrypt(Stream encrypted, ReadOnlySpan<byte> masterKey, string path) => new DecryptingStream(encrypted, masterKey, path);

    /// <summary>Size of the encrypted file of <paramref name="plaintextSize"/> bytes (every file has at least one chunk).</summary>
    public static long EncryptedSize(long plaintextSize) =>
        HeaderSize + plaintextSize + TagSize * Math.Max(1, (plaintextSize + ChunkSize - 1) / ChunkSize);

    private static byte[] FileKey(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> salt)
    {
        var key = new byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, key, salt, FileKeyInfo);
        return key;
    }

    private static void Nonce(Span<byte> nonce, long index, bool final)
    {
        nonce.Clear();
        BinaryPrimitives.WriteInt64BigEndian(nonce[3..11], index);
        nonce[11] = final ? (byte)1 : (byte)0;
    }

    private static byte[] Aad(string path, long index, bool final)
    {
        var name = Encoding.UTF8.GetBytes(path);
        var aad = new byte[name.Length + 9];
        name.CopyTo(aad, 0);
        BinaryPrimitives.WriteInt64BigEndian(aad.AsSpan(name.Length, 8), index);
        aad[^1] = final ? (byte)1 : (byte)0;
        return aad;
    }

    /// <summary>Read-only, forward-only: produces the header, then one sealed chunk at a time.</summary>
    private sealed class EncryptingStream : ReadOnlyStream
    {
        private readonly Stream _source;
        private readonly AesGcm _aes;
        private readonly string _path;
        private readonly byte[] _plain = new byte[ChunkSize];
        private readonly byte[] _out = new byte[ChunkSize + TagSize];
        private int _outStart;
        private int _outEnd;
        private int _carry = -1; // a byte read ahead to learn whether the chunk before it was the last
        private long _index;
        private bool _done;

        public EncryptingStream(Stream source, ReadOnlySpan<byte> masterKey, string path)
        {
            _source = source;
            _path = path;
            var salt = RandomNumberGenerator.GetBytes(SaltSize);
            _aes = new AesGcm(FileKey(masterKey, salt), TagSize);
            Magic.CopyTo(_out, 0);
            BinaryPrimitives.WriteInt32BigEndian(_out.AsSpan(Magic.Length, 4), ChunkSize);
            salt.CopyTo(_out, Magic.Length + 4);
            _outEnd = HeaderSize;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_outStart == _outEnd)
            {
                if (_done) return 0;
                await SealNextChunkAsync(cancellationToken);
            }
            var n = Math.Min(buffer.Length, _outEnd - _outStart);
            _out.AsMemory(_outStart, n).CopyTo(buffer);
            _outStart += n;
            return n;
        }

        private async Task SealNextChunkAsync(CancellationToken cancellationToken)
        {
            var length = 0;
            if (_carry >= 0)
            {
                _plain[0] = (byte)_carry;
                length = 1;
                _carry = -1;
            }
            length += await _source.ReadAtLeastAsync(_plain.AsMemory(length), ChunkSize - length, throwOnEndOfStream: false, cancellationToken);
            var final = length < ChunkSize;
            if (!final)
            {
                var peek = new byte[1];
                if (await _source.ReadAsync(peek, cancellationToken) == 0) final = true;
                else _carry = peek[0];
            }
            Span<byte> nonce = stackalloc byte[NonceSize];
            Nonce(nonce, _index, final);
            _aes.Encrypt(nonce, _plain.AsSpan(0, length), _out.AsSpan(0, length), _out.AsSpan(length, TagSize), Aad(_path, _index, final));
            _index++;
            _outStart = 0;
            _outEnd = length + TagSize;
            _done = final;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _aes.Dispose(); // the plaintext stream belongs to the caller
            base.Dispose(disposing);
        }
    }

    private sealed class DecryptingStream : ReadOnlyStream
    {
        private readonly Stream _source;
        private readonly byte[] _masterKey;
        private readonly string _path;
        private readonly byte[] _record = new byte[ChunkSize + TagSize];
        private readonly byte[] _plain = new byte[ChunkSize];
        private AesGcm? _aes;
        private int _plainStart;
        private int _plainEnd;
        private int _carry = -1;
        private long _index;
        private bool _done;

        public DecryptingStream(Stream source, ReadOnlySpan<byte> masterKey, string path)
        {
            _source = source;
            _masterKey = masterKey.ToArray();
            _path = path;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _aes ??= await ReadHeaderAsync(cancellationToken);
            if (_plainStart == _plainEnd)
            {
                if (_done) return 0;
                await OpenNextChunkAsync(cancellationToken);
                if (_plainStart == _plainEnd) return 0;
            }
            var n = Math.Min(buffer.Length, _plainEnd - _plainStart);
            _plain.AsMemory(_plainStart, n).CopyTo(buffer);
            _plainStart += n;
            return n;
        }

        private async Task<AesGcm> ReadHeaderAsync(CancellationToken cancellationToken)
        {
            var header = new byte[HeaderSize];
            var read = await _source.ReadAtLeastAsync(header, HeaderSize, throwOnEndOfStream: false, cancellationToken);
            if (read < HeaderSize || !header.AsSpan(0, Magic.Length).SequenceEqual(Magic))
                throw new BackupException($"{_path}: not an encrypted backup file (no GhostCrate encryption header)");
            if (BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(Magic.Length, 4)) != ChunkSize)
                throw new BackupException($"{_path}: encrypted with a chunk size this GhostCrate does not read");
            return new AesGcm(FileKey(_masterKey, header.AsSpan(Magic.Length + 4, SaltSize)), TagSize);
        }

        private async Task OpenNextChunkAsync(CancellationToken cancellationToken)
        {
            var length = 0;
            if (_carry >= 0)
            {
                _record[0] = (byte)_carry;
                length = 1;
                _carry = -1;
            }
            length += await _source.ReadAtLeastAsync(_record.AsMemory(length), _record.Length - length, throwOnEndOfStream: false, cancellationToken);
            var final = length < _record.Length;
            if (!final)
            {
                var peek = new byte[1];
                if (await _source.ReadAsync(peek, cancellationToken) == 0) final = true;
                else _carry = peek[0];
            }
            if (length < TagSize) throw Damaged("is truncated");
            var plainLength = length - TagSize;
            Span<byte> nonce = stackalloc byte[NonceSize];
            Nonce(nonce, _index, final);
            try
            {
                _aes!.Decrypt(nonce, _record.AsSpan(0, plainLength), _record.AsSpan(plainLength, TagSize), _plain.AsSpan(0, plainLength), Aad(_path, _index, final));
            }
            catch (AuthenticationTagMismatchException)
            {
                throw Damaged($"does not decrypt at chunk {_index}: the key is wrong, or the file was changed, cut short, reordered or renamed");
            }
            _index++;
            _plainStart = 0;
            _plainEnd = plainLength;
            _done = final;
        }

        private BackupException Damaged(string what) => new($"{_path}: {what}");

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _aes?.Dispose();
                _source.Dispose();
                CryptographicOperations.ZeroMemory(_masterKey);
            }
            base.Dispose(disposing);
        }
    }
}

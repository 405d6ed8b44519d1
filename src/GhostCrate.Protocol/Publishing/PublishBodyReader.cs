using System.Buffers.Binary;

namespace GhostCrate.Protocol.Publishing;

/// <summary>
/// Reads the body of `PUT /api/v1/crates/new`
/// (https://doc.rust-lang.org/cargo/reference/registry-web-api.html#publish):
/// u32 LE metadata length, metadata JSON, u32 LE crate length, .crate bytes, and nothing after.
/// Failures are returned, never thrown: every one of them is the client's fault and goes back to cargo.
/// </summary>
public static class PublishBodyReader
{
    public static PublishBodyResult Read(ReadOnlyMemory<byte> body, long maxMetadataBytes, long maxCrateBytes)
    {
        var span = body.Span;
        if (span.Length < 4) return PublishBodyMessages.TruncatedLength("crate metadata");
        long jsonLength = BinaryPrimitives.ReadUInt32LittleEndian(span);
        if (jsonLength > maxMetadataBytes) return PublishBodyMessages.MetadataTooLarge(jsonLength, maxMetadataBytes);
        var offset = 4L;
        if (span.Length - offset < jsonLength) return PublishBodyMessages.TruncatedData("crate metadata", jsonLength, span.Length - offset);
        var json = body.Slice((int)offset, (int)jsonLength);
        offset += jsonLength;

        // Parse before looking at the crate length so a bad manifest is reported as such, matching ReadAsync,
        // which must parse before it decides whether to read the (possibly large) crate file at all.
        var parsed = PublishMetadataParser.Parse(json.Span, ReadOnlyMemory<byte>.Empty);
        if (!parsed.IsSuccess) return parsed;

        if (span.Length - offset < 4) return PublishBodyMessages.TruncatedLength("crate file");
        long crateLength = BinaryPrimitives.ReadUInt32LittleEndian(span[(int)offset..]);
        if (crateLength > maxCrateBytes) return PublishBodyMessages.CrateTooLarge(crateLength, maxCrateBytes);
        offset += 4;
        if (span.Length - offset < crateLength) return PublishBodyMessages.TruncatedData("crate file", crateLength, span.Length - offset);
        var crate = body.Slice((int)offset, (int)crateLength);
        offset += crateLength;

        if (offset != span.Length) return PublishBodyMessages.TrailingBytes(span.Length - offset);
        return parsed with { CrateFile = crate };
    }

    /// <summary>
    /// Streaming variant: reads only as much as the declared lengths need and stops at the first length
    /// over its limit, so a multi-gigabyte body costs at most the limits in memory and is cut off early.
    /// </summary>
    public static async Task<PublishBodyResult> ReadAsync(Stream body, long maxMetadataBytes, long maxCrateBytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var lengthBuffer = new byte[4];

        if (await body.ReadAtLeastAsync(lengthBuffer, 4, throwOnEndOfStream: false, ct).ConfigureAwait(false) < 4)
            return PublishBodyMessages.TruncatedLength("crate metadata");
        long jsonLength = BinaryPrimitives.ReadUInt32LittleEndian(lengthBuffer);
        if (jsonLength > maxMetadataBytes || jsonLength > Array.MaxLength)
            return PublishBodyMessages.MetadataTooLarge(jsonLength, maxMetadataBytes);
        var json = new byte[jsonLength];
        var got = await body.ReadAtLeastAsync(json, json.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (got < json.Length) return PublishBodyMessages.TruncatedData("crate metadata", jsonLength, got);

        var parsed = PublishMetadataParser.Parse(json, ReadOnlyMemory<byte>.Empty);
        if (!parsed.IsSuccess) return parsed;

        if (await body.ReadAtLeastAsync(lengthBuffer, 4, throwOnEndOfStream: false, ct).ConfigureAwait(false) < 4)
            return PublishBodyMessages.TruncatedLength("crate file");
        long crateLength = BinaryPrimitives.ReadUInt32LittleEndian(lengthBuffer);
        if (crateLength > maxCrateBytes || crateLength > Array.MaxLength)
            return PublishBodyMessages.CrateTooLarge(crateLength, maxCrateBytes);
        var crate = new byte[crateLength];
        got = await body.ReadAtLeastAsync(crate, crate.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (got < crate.Length) return PublishBodyMessages.TruncatedData("crate file", crateLength, got);

        // One byte is enough to know the body is malformed; reading the rest would only let a client make us
        // consume an unbounded stream.
        if (await body.ReadAtLeastAsync(lengthBuffer.AsMemory(0, 1), 1, throwOnEndOfStream: false, ct).ConfigureAwait(false) > 0)
            return PublishBodyMessages.TrailingBytes(null);

        return parsed with { CrateFile = crate };
    }
}

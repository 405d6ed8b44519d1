using System.Security.Cryptography;
using GhostCrate.Mirror.Storage;
using GhostCrate.Storage.FileSystem;
using Microsoft.Win32.SafeHandles;

namespace GhostCrate.Mirror.Downloads;

/// <summary>
/// Where one download's body goes until it is accepted under its final name. Bytes written before the body is complete
/// (a body longer than the gather buffer, a resumed one, one cut short) go to the named partial file, which a later run
/// resumes after. A new body that arrives whole goes instead into an unnamed file (O_TMPFILE) in the partial folder,
/// given its final name (linkat) once its bytes are durable: no partial folder entry and no rename per file, and a
/// body that is rejected or a run killed before the name leaves nothing behind (such a body is small, fetched again
/// whole). The unnamed file is created in the partial folder (same file system), so that crates/NAME is still made
/// only for a body that was accepted, as with the rename.
/// </summary>
internal sealed class BodyFile : IDisposable
{
    private readonly string _part;
    private readonly bool _partExists;
    private readonly string? _unnamedFolder;
    private PartialFile? _partial;
    private SafeFileHandle? _unnamed;
    private long _unnamedLength;

    private BodyFile(string part, bool partExists, string? unnamedFolder, PartialFile? partial)
    {
        _part = part;
        _partExists = partExists;
        _unnamedFolder = unnamedFolder;
        _partial = partial;
    }

    /// <summary>
    /// A body to be written after the <paramref name="keep"/> bytes of the partial file (hashed into
    /// <paramref name="hash"/> now), or from the start with <paramref name="keep"/> 0. <paramref name="unnamedFolder"/>:
    /// where a new body that arrives whole is kept unnamed (on the final file's file system); null to always use the partial.
    /// </summary>
    public static BodyFile Open(string part, bool exists, long keep, IncrementalHash hash, string? unnamedFolder) =>
        keep > 0
            ? new BodyFile(part, exists, null, PartialFile.Open(part, exists, keep, hash))
            : new BodyFile(part, exists, exists ? null : unnamedFolder, null);

    /// <summary>A partial file that already holds the whole body (left by a run killed before its rename).</summary>
    public static BodyFile Existing(string part) => new(part, partExists: true, null, null);

    /// <summary>Bytes of the body so far, the resumed prefix included.</summary>
    public long Length => _unnamed is not null ? _unnamedLength : _partial?.Length ?? 0;

    /// <summary>Whether the body is in an unnamed file (tests read it).</summary>
    internal bool IsUnnamed => _unnamed is not null;

    /// <summary>Bytes of a body that is not complete yet: they go to the partial file, so a retry can resume after them.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        _partial ??= PartialFile.Open(_part, _partExists, 0, null);
        _partial.Append(bytes);
    }

    /// <summary>The body's last bytes: the whole body when nothing was written before, kept unnamed where that works.</summary>
    public void Complete(ReadOnlySpan<byte> last)
    {
        if (_partial is null && _unnamedFolder is not null)
        {
            _unnamed = LinuxNative.TryCreateUnnamed(_unnamedFolder);
            if (_unnamed is not null)
            {
                LinuxNative.WriteAt(_unnamed, last, 0);
                _unnamedLength = last.Length;
                return;
            }
        }
        Append(last);
        // The partial is flushed and renamed by path; its handle (and its lock) is not needed any more.
        _partial!.Dispose();
    }

    /// <summary>fsync(2) of the body: the fallback where no group sync vouched for it.</summary>
    public void FlushToDisk()
    {
        if (_unnamed is not null) RandomAccess.FlushToDisk(_unnamed);
        else PartialFile.FlushToDisk(_part);
    }

    /// <summary>
    /// Gives the body (already durable) its final name. Where the unnamed file cannot be named there (the name exists,
    /// /proc is not mounted, another file system), its bytes are copied to the partial file, flushed, and renamed over the target instead.
    /// </summary>
    public void MoveIntoPlace(string final)
    {
        if (_unnamed is null)
        {
            AtomicFile.MoveIntoPlace(_part, final);
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        if (LinuxNative.TryName(_unnamed, final) == LinkResult.Linked) return;
        using (var copy = File.OpenHandle(_part, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            var bytes = new byte[_unnamedLength];
            RandomAccess.Read(_unnamed, bytes, 0);
            RandomAccess.Write(copy, bytes, 0);
            RandomAccess.FlushToDisk(copy);
        }
        AtomicFile.MoveIntoPlace(_part, final);
    }

    /// <summary>A rejected body: nothing of it stays (an unnamed file vanishes when closed).</summary>
    public void Discard()
    {
        _partial?.Dispose();
        if (_unnamed is null) File.Delete(_part);
    }

    public void Dispose()
    {
        _partial?.Dispose();
        _unnamed?.Dispose();
    }
}

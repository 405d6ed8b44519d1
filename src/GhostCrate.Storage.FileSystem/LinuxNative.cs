using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace GhostCrate.Storage.FileSystem;

/// <summary>
/// The two file-system guarantees the store needs that .NET does not expose on Linux, called straight from libc.
/// Every method reports "unsupported" instead of throwing, so callers can fall back (non-Linux, musl without the
/// glibc soname, file systems without hard links).
/// </summary>
internal static partial class LinuxNative
{
    private const string LibC = "libc.so.6";
    private const int ReadOnly = 0;          // O_RDONLY
    private const int CloseOnExec = 0x80000; // O_CLOEXEC: the same value on x86-64 and arm64
    private const int ErrorExists = 17;      // EEXIST: the same value on every Linux architecture
    private const int WriteOnly = 1;         // O_WRONLY
    private const int Create = 0x40;         // O_CREAT: the same value on x86-64 and arm64
    private const int Exclusive = 0x80;      // O_EXCL: the same value on x86-64 and arm64
    private const int CreateMode = 0x1B6;    // 0666: the umask takes away what it should, as for .NET's own creates

    /// <summary>
    /// Creates <paramref name="target"/> as a hard link to <paramref name="source"/>, failing if it exists.
    /// This is the atomic "rename without replacing" we need: File.Move(overwrite: false) on Unix checks that the
    /// target is missing and then calls rename(2), so two concurrent callers can both "win" and the second silently
    /// replaces the first. link(2) fails with EEXIST instead, in one step, even on NFS.
    /// </summary>
    public static LinkResult TryLink(string source, string target)
    {
        if (!OperatingSystem.IsLinux()) return LinkResult.Unsupported;
        try
        {
            if (Link(source, target) == 0) return LinkResult.Linked;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == ErrorExists) return LinkResult.TargetExists;
            // EPERM/ENOTSUP (FAT, some FUSE and SMB mounts) and anything else: let the caller fall back.
            return LinkResult.Unsupported;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return LinkResult.Unsupported;
        }
    }

    /// <summary>
    /// Flushes a directory entry to disk. A rename is only durable once the directory holding the new name is
    /// fsynced; without it a power cut right after a publish commits its database row could lose the crate file the
    /// row points at. .NET cannot open a directory as a stream, hence open/fsync. Returns false when not done.
    /// </summary>
    public static bool TryFlushDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            var fd = Open(directory, ReadOnly | CloseOnExec);
            if (fd < 0) return false;
            try
            {
                return Fsync(fd) == 0;
            }
            finally
            {
                _ = Close(fd);
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// open(2) of a regular file for one of the many small copies of a backup or restore, without what
    /// <see cref="File.OpenHandle"/> adds to every open on Unix: an advisory flock(2) (and its unlock before close), an
    /// fstat(2) to refuse directories. Nothing else opens these files with .NET's FileShare rules while a backup or
    /// restore copies them (sources are immutable blobs, targets new files in a folder of their own), so the lock
    /// guards nothing here. <paramref name="create"/>: O_CREAT | O_EXCL, mode 0666 less the umask (what .NET creates
    /// with). Null when not done (not Linux, or the call failed): the caller opens with .NET, which throws the right
    /// exception (a missing file, an existing target) or succeeds.
    /// </summary>
    public static SafeFileHandle? TryOpenForCopy(string path, bool create)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            var fd = create
                ? OpenMode(path, WriteOnly | Create | Exclusive | CloseOnExec, CreateMode)
                : OpenMode(path, ReadOnly | CloseOnExec, 0);
            return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// rename(2) without .NET's checks: File.Move follows a symbolic link to a directory and refuses it, but swapping a
    /// `current` link to a new generation folder is exactly one rename of the link itself (atomic for readers).
    /// Throws IOException with the errno when it fails; PlatformNotSupportedException off Linux.
    /// </summary>
    public static void Rename(string source, string target)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("replacing a symbolic link atomically needs Linux rename(2)");
        if (RenameNative(source, target) != 0)
            throw new IOException($"rename {source} -> {target} failed (errno {Marshal.GetLastPInvokeError()})");
    }

    /// <summary>
    /// syncfs(2) on the file system holding <paramref name="path"/>: one call makes every file, hard link and rename
    /// written there so far durable, instead of one fsync per file and per directory. Returns false when not done.
    /// </summary>
    public static bool TrySyncFileSystem(string path)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            var fd = Open(path, ReadOnly | CloseOnExec);
            if (fd < 0) return false;
            try
            {
                return SyncFs(fd) == 0;
            }
            finally
            {
                _ = Close(fd);
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport(LibC, EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int RenameNative(string oldPath, string newPath);

    [LibraryImport(LibC, EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

    [LibraryImport(LibC, EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string oldPath, string newPath);

    [LibraryImport(LibC, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport(LibC, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenMode(string path, int flags, int mode);

    [LibraryImport(LibC, EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport(LibC, EntryPoint = "close")]
    private static partial int Close(int fd);
}

internal enum LinkResult
{
    Linked,
    TargetExists,
    Unsupported,
}

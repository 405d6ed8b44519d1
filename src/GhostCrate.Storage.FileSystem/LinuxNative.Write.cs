using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace GhostCrate.Storage.FileSystem;

/// <summary>
/// Writes at an offset into a file this class opened. <see cref="RandomAccess.Write(SafeFileHandle, ReadOnlySpan{byte}, long)"/>
/// first asks the kernel whether a handle it did not open itself can seek (an lseek(2) per handle); for the many small
/// files a mirror sync creates, each written once, that question costs a system call per file and answers nothing new.
/// </summary>
internal static partial class LinuxNative
{
    private const int Interrupted = 4; // EINTR: the same value on every Linux architecture

    /// <summary>
    /// pwrite(2) of all of <paramref name="bytes"/> at <paramref name="offset"/> (a short write continues where it
    /// stopped). Only for a regular file opened by <see cref="TryOpenForCopy"/> or <see cref="TryCreateUnnamed"/>, so only
    /// on Linux. Throws <see cref="IOException"/> with the errno when the kernel refuses (a full disk: ENOSPC).
    /// </summary>
    public static void WriteAt(SafeFileHandle file, ReadOnlySpan<byte> bytes, long offset)
    {
        while (bytes.Length > 0)
        {
            var written = PWrite(file, bytes, (nuint)bytes.Length, offset);
            if (written < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Interrupted) continue;
                throw new IOException($"write failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
            }
            // A regular file never takes nothing of a non-empty write; looping on it would never end.
            if (written == 0) throw new IOException("write made no progress");
            bytes = bytes[(int)written..];
            offset += written;
        }
    }

    [LibraryImport(LibC, EntryPoint = "pwrite", SetLastError = true)]
    private static partial nint PWrite(SafeFileHandle file, ReadOnlySpan<byte> buffer, nuint count, long offset);
}

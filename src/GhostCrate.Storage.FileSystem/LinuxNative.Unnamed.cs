using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace GhostCrate.Storage.FileSystem;

/// <summary>
/// Files created without a name (open(2) with O_TMPFILE) and named later (linkat(2)): a file whose bytes must be
/// durable before anyone sees it gets its one directory entry only then, instead of a temp name now and a rename later.
/// </summary>
internal static partial class LinuxNative
{
    private const int ReadWrite = 2;            // O_RDWR
    private const int CurrentDirectory = -100;  // AT_FDCWD
    private const int FollowLink = 0x400;       // AT_SYMLINK_FOLLOW: names what /proc/self/fd/N points to

    /// <summary>O_TMPFILE (__O_TMPFILE | O_DIRECTORY), whose O_DIRECTORY bit differs between architectures; 0 where unknown.</summary>
    private static int UnnamedFlag => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x410000,
        Architecture.Arm64 or Architecture.Arm => 0x404000,
        _ => 0,
    };

    /// <summary>
    /// An unnamed regular file on the file system of <paramref name="directory"/> (mode 0666 less the umask, as .NET
    /// creates files), open for reading and writing; it disappears when closed unless <see cref="TryName"/> gave it a
    /// name. Null where that is not available (not Linux, an unknown architecture, a file system without O_TMPFILE).
    /// </summary>
    public static SafeFileHandle? TryCreateUnnamed(string directory)
    {
        if (!OperatingSystem.IsLinux() || UnnamedFlag == 0) return null;
        try
        {
            var fd = OpenMode(directory, UnnamedFlag | ReadWrite | CloseOnExec, CreateMode);
            return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Gives an unnamed file (<see cref="TryCreateUnnamed"/>) the name <paramref name="path"/>, failing if that exists.
    /// Through /proc/self/fd: linkat with AT_EMPTY_PATH would need CAP_DAC_READ_SEARCH. Unsupported where /proc is not
    /// mounted; the caller then writes the bytes under a name of its own.
    /// </summary>
    public static LinkResult TryName(SafeFileHandle file, string path)
    {
        try
        {
            var procPath = "/proc/self/fd/" + file.DangerousGetHandle().ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (LinkAt(CurrentDirectory, procPath, CurrentDirectory, path, FollowLink) == 0) return LinkResult.Linked;
            return Marshal.GetLastPInvokeError() == ErrorExists ? LinkResult.TargetExists : LinkResult.Unsupported;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return LinkResult.Unsupported;
        }
    }

    [LibraryImport(LibC, EntryPoint = "linkat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LinkAt(int oldDirectory, string oldPath, int newDirectory, string newPath, int flags);
}

using GhostCrate.Core.Backup;
using Microsoft.Win32.SafeHandles;

namespace GhostCrate.Storage.FileSystem;

/// <summary>
/// The file-to-file copies of `backup create` into a folder and of a restore into a staging folder: both ends opened
/// through <see cref="LinuxNative.TryOpenForCopy"/> (a few system calls fewer per file, for hundreds of thousands of
/// files), falling back to .NET's own opens, and the bytes measured on the way (<see cref="FileFacts.Copy"/>).
/// </summary>
internal static class LocalCopy
{
    /// <summary>Opens a local file to copy; throws <see cref="FileNotFoundException"/> or <see cref="DirectoryNotFoundException"/> when it is missing.</summary>
    public static SafeFileHandle OpenSource(string path) => LinuxNative.TryOpenForCopy(path, create: false) ?? FileFacts.OpenSource(path);

    /// <summary>Copies <paramref name="input"/> into the new file <paramref name="target"/> (which must not exist) and measures it; a failed copy removes the target.</summary>
    public static FileFacts CopyInto(SafeFileHandle input, string target, CancellationToken cancellationToken)
    {
        using var output = LinuxNative.TryOpenForCopy(target, create: true) ?? File.OpenHandle(target, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        try
        {
            return FileFacts.Copy(input, output, cancellationToken);
        }
        catch
        {
            output.Dispose();
            File.Delete(target);
            throw;
        }
    }
}

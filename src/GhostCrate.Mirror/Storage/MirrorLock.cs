namespace GhostCrate.Mirror.Storage;

/// <summary>
/// One writer at a time per mirror directory (.ghostcrate/lock, held open exclusively): a sync and an export running
/// together would export a half-synced state. The OS drops the lock when the process dies, so a killed run never
/// leaves the directory locked.
/// </summary>
public sealed class MirrorLock : IDisposable
{
    private readonly FileStream _stream;

    private MirrorLock(FileStream stream) => _stream = stream;

    public static MirrorLock Acquire(MirrorLayout layout, string operation)
    {
        Directory.CreateDirectory(layout.StateDir);
        try
        {
            var stream = new FileStream(Path.Combine(layout.StateDir, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return new MirrorLock(stream);
        }
        catch (IOException)
        {
            throw new MirrorException($"another mirror operation is running on {layout.Root}; {operation} waits for nothing, try again when it has finished");
        }
    }

    public void Dispose() => _stream.Dispose();
}

namespace GhostCrate.Core.Backup;

/// <summary>A backup, verification or restore that cannot go on; the message says what and names the file.</summary>
public sealed class BackupException(string message) : Exception(message);

namespace GhostCrate.Core.Backup;

/// <summary>
/// Port the host implements: turns a configured target (a directory, or s3://bucket/prefix reached with the
/// Storage:S3 settings) into a backup location, so the server's scheduled backups use the same places as the CLI.
/// </summary>
public interface IBackupLocationFactory
{
    /// <summary>The location of <paramref name="target"/>; throws <see cref="BackupException"/> for one that cannot be used.</summary>
    IBackupLocation Open(string target);
}

/// <summary>The running program's version, written into each manifest (`ghostcrate --version`'s text).</summary>
public sealed record BackupProgramVersion(string Value);

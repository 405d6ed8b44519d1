namespace GhostCrate.Protocol.Crates;

/// <summary>Outcome of <see cref="CrateName.Validate"/>; <see cref="Error"/> is shown to the publisher as is.</summary>
public sealed record CrateNameCheck(bool IsValid, string? Error)
{
    public static CrateNameCheck Valid { get; } = new(true, null);
    public static CrateNameCheck Invalid(string error) => new(false, error);
}

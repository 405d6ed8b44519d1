namespace GhostCrate.Core.Advisories;

/// <summary>Either an advisory or the reason a file is not one (an expected outcome, so a value).</summary>
public sealed record AdvisoryParseResult(Advisory? Advisory, string? Error)
{
    public bool IsSuccess => Advisory is not null;
    public static AdvisoryParseResult Ok(Advisory advisory) => new(advisory, null);
    public static AdvisoryParseResult Fail(string error) => new(null, error);
}

using GhostCrate.Data.Crates;

namespace GhostCrate.Data.Tests.Unit;

public sealed class MaxVersionTests
{
    [Theory]
    [InlineData("", null)]
    [InlineData("1.0.0", "1.0.0")]
    [InlineData("1.0.0 1.10.0 1.9.0", "1.10.0")]
    [InlineData("1.0.0 2.0.0-rc.1", "1.0.0")]
    [InlineData("0.1.0-alpha.2 0.1.0-alpha.10", "0.1.0-alpha.10")]
    [InlineData("1.0.0 2.0.0!", "1.0.0")]
    [InlineData("1.0.0! 2.0.0-rc.1", "2.0.0-rc.1")]
    [InlineData("1.0.0! 2.0.0-rc.1! 0.5.0!", "2.0.0-rc.1")]
    [InlineData("1.0.0+build.1", "1.0.0+build.1")]
    public void Picks_the_highest_live_release(string versions, string? expected)
    {
        // "!" marks a yanked version.
        var input = versions.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => (v.TrimEnd('!'), v.EndsWith('!')));

        Assert.Equal(expected, MaxVersion.Compute(input));
    }
}

using GhostCrate.Protocol.Crates;

namespace GhostCrate.Protocol.Tests;

public class CrateNameTests
{
    [Theory]
    [InlineData("serde")]
    [InlineData("a")]
    [InlineData("Serde_Json-2")]
    [InlineData("tokio-util")]
    [InlineData("x1234567890123456789012345678901234567890123456789012345678901_")] // 64 chars
    public void Accepts_valid_names(string name)
    {
        var check = CrateName.Validate(name);
        Assert.True(check.IsValid, check.Error);
        Assert.Null(check.Error);
    }

    [Fact]
    public void Rejects_empty_name_and_says_where_to_fix_it()
    {
        var check = CrateName.Validate("");
        Assert.False(check.IsValid);
        Assert.Contains("Cargo.toml", check.Error);
    }

    [Fact]
    public void Rejects_leading_digit_with_the_documented_message() =>
        Assert.Equal("invalid crate name `1abc`: crate names must start with an ASCII letter", CrateName.Validate("1abc").Error);

    [Theory]
    [InlineData("-abc")]
    [InlineData("_abc")]
    [InlineData("éclair")]
    public void Rejects_names_not_starting_with_an_ascii_letter(string name)
    {
        var check = CrateName.Validate(name);
        Assert.False(check.IsValid);
        Assert.Contains("must start with an ASCII letter", check.Error);
    }

    [Theory]
    [InlineData("foo.bar", "`.`")]
    [InlineData("foo/bar", "`/`")]
    [InlineData("foo bar", "U+0020")]
    [InlineData("fooé", "`é`")]
    [InlineData("foo\u0000", "U+0000")]
    public void Rejects_invalid_characters_and_names_the_character(string name, string shown)
    {
        var check = CrateName.Validate(name);
        Assert.False(check.IsValid);
        Assert.Contains(shown, check.Error);
        Assert.Contains("use only ASCII letters, digits, `-` and `_`", check.Error);
    }

    [Fact]
    public void Rejects_names_longer_than_64_characters()
    {
        var check = CrateName.Validate(new string('a', 65));
        Assert.False(check.IsValid);
        Assert.Contains("at most 64 characters", check.Error);
        Assert.Contains("has 65", check.Error);
    }

    [Fact]
    public void Does_not_echo_huge_names_back()
    {
        var check = CrateName.Validate(new string('a', 100_000));
        Assert.True(check.Error!.Length < 400);
    }

    [Theory]
    [InlineData("nul")]
    [InlineData("CON")]
    [InlineData("Com1")]
    [InlineData("lpt9")]
    [InlineData("std")]
    [InlineData("core")]
    [InlineData("alloc")]
    [InlineData("proc_macro")]
    [InlineData("proc-macro")]
    [InlineData("Proc_Macro")]
    [InlineData("test")]
    public void Rejects_reserved_names_in_any_spelling(string name)
    {
        var check = CrateName.Validate(name);
        Assert.False(check.IsValid);
        Assert.Contains("reserved", check.Error);
    }

    [Fact]
    public void Honours_extra_reserved_names_canonically()
    {
        Assert.True(CrateName.Validate("internal_tools").IsValid);
        var check = CrateName.Validate("internal_tools", ["Internal-Tools"]);
        Assert.False(check.IsValid);
        Assert.Equal("crate name `internal_tools` is reserved on this registry; choose a different name", check.Error);
    }

    [Theory]
    [InlineData("Serde_Json", "serde-json")]
    [InlineData("foo-bar", "foo-bar")]
    [InlineData("FOO__BAR", "foo--bar")]
    public void Canonicalize_lowercases_and_replaces_underscores(string name, string expected) =>
        Assert.Equal(expected, CrateName.Canonicalize(name));
}

using GhostCrate.Core.Holds;
using GhostCrate.Packaging.Content;

namespace GhostCrate.Core.Tests.Holds;

/// <summary>Publishing:RequireApprovalFor: which content flags hold a version (docs/security.md "Approval hold").</summary>
public class HoldRulesTests
{
    private static readonly ContentFlag Elf = new(ContentFlagKinds.NativeBinary, "bin/tool", "ELF");
    private static readonly ContentFlag Script = new(ContentFlagKinds.BuildScript, "build.rs", "");
    private static readonly ContentFlag Connects = new(ContentFlagKinds.BuildScriptHint, "build.rs", BuildScriptHintDetails.OpensConnections);
    private static readonly ContentFlag Curl = new(ContentFlagKinds.BuildScriptHint, "build.rs", BuildScriptHintDetails.Downloader);
    private static readonly ContentFlag Runs = new(ContentFlagKinds.BuildScriptHint, "build.rs", BuildScriptHintDetails.RunsPrograms);
    private static readonly ContentFlag[] All = [Elf, Script, Connects, Curl, Runs];

    private static HoldRules Rules(string setting)
    {
        var (rules, errors) = HoldRules.Parse(setting);
        Assert.Empty(errors);
        return rules;
    }

    [Fact]
    public void Empty_holds_nothing()
    {
        Assert.False(Rules("").IsActive);
        Assert.False(Rules(" , ").IsActive);
        Assert.Empty(Rules("").Matching(All));
    }

    [Fact]
    public void A_kind_holds_only_that_kind_whichever_separator_it_is_spelt_with()
    {
        Assert.Equal([Elf], Rules("native-binary").Matching(All));
        Assert.Equal([Elf], Rules("Native_Binary").Matching(All));
        Assert.Equal([Elf, Script], Rules("native-binary,build_script").Matching(All));
    }

    [Fact]
    public void Build_script_network_holds_the_network_hints_and_not_a_script_that_only_runs_programs()
    {
        Assert.Equal([Connects, Curl], Rules("build-script-network").Matching(All));
        Assert.Empty(Rules("build-script-network").Matching([Script, Runs]));
        Assert.Equal([Runs], Rules("build-script-command").Matching(All));
        Assert.Equal([Connects, Curl, Runs], Rules("build-script-hint").Matching(All));
    }

    [Fact]
    public void Any_holds_every_flag()
    {
        Assert.Equal(All, Rules("any").Matching(All));
        Assert.True(Rules("any").IsActive);
    }

    [Fact]
    public void An_unknown_name_is_an_error_that_lists_the_accepted_names()
    {
        var (_, errors) = HoldRules.Parse("native-binary, elf");
        var error = Assert.Single(errors);
        Assert.StartsWith("'elf' is not a content flag", error);
        Assert.Contains("build-script-network", error);
        Assert.Contains("native-binary", error);
    }

    [Fact]
    public void A_flag_is_described_with_its_path_and_for_a_hint_what_matched()
    {
        Assert.Equal("native-binary (bin/tool)", HoldRules.Describe(Elf));
        Assert.Equal($"build-script-hint (build.rs: {BuildScriptHintDetails.OpensConnections})", HoldRules.Describe(Connects));
        Assert.Equal("proc-macro", HoldRules.Describe(new ContentFlag(ContentFlagKinds.ProcMacro, "", "")));
    }
}

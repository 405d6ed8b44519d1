namespace GhostCrate.Core.Typosquats;

/// <summary>How a new name differs from an existing one (docs/security.md "Typosquats").</summary>
public enum TyposquatRule
{
    /// <summary>One character of the existing name left out: `serde-jon` for `serde_json`.</summary>
    Omitted,
    /// <summary>One character of the existing name doubled: `serdde`.</summary>
    Repeated,
    /// <summary>Two neighbouring characters swapped: `sedre`.</summary>
    Swapped,
    /// <summary>A `-`/`_` separator added or left out: `serdejson`, `to-kio`.</summary>
    Separator,
    /// <summary>One character replaced by a neighbouring key on a QWERTY keyboard: `serfe`.</summary>
    KeyboardNeighbour,
    /// <summary>A common prefix or suffix added: `serde-rs`, `rust-serde`, `serde-core`.</summary>
    Affix,
}

/// <summary>A new name that looks like <see cref="Existing"/> (as it is spelled where it was found).</summary>
public sealed record TyposquatMatch(string Existing, TyposquatRule Rule, bool Popular)
{
    public string Describe() => Rule switch
    {
        TyposquatRule.Omitted => "one character left out",
        TyposquatRule.Repeated => "one character doubled",
        TyposquatRule.Swapped => "two neighbouring characters swapped",
        TyposquatRule.Separator => "a '-' or '_' added or left out",
        TyposquatRule.KeyboardNeighbour => "one character replaced by a neighbouring key",
        TyposquatRule.Affix => "a common prefix or suffix added",
        _ => Rule.ToString(),
    };
}

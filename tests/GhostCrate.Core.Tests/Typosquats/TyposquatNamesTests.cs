using GhostCrate.Core.Typosquats;

namespace GhostCrate.Core.Tests.Typosquats;

/// <summary>The name rules of docs/security.md "Typosquats", one row per case: what is caught, and what is left alone.</summary>
public class TyposquatNamesTests
{
    [Theory]
    // omitted
    [InlineData("serde-jon", "serde-json", TyposquatRule.Omitted)]
    [InlineData("toki", "tokio", TyposquatRule.Omitted)]
    [InlineData("rqwest", "reqwest", TyposquatRule.Omitted)]
    // repeated
    [InlineData("serdde", "serde", TyposquatRule.Repeated)]
    [InlineData("tokkio", "tokio", TyposquatRule.Repeated)]
    // swapped
    [InlineData("sedre", "serde", TyposquatRule.Swapped)]
    [InlineData("tokoi", "tokio", TyposquatRule.Swapped)]
    // separators, either way, and '_' counts as '-'
    [InlineData("serdejson", "serde-json", TyposquatRule.Separator)]
    [InlineData("to-kio", "tokio", TyposquatRule.Separator)]
    [InlineData("to_kio", "tokio", TyposquatRule.Separator)]
    // keyboard neighbours (QWERTY)
    [InlineData("serfe", "serde", TyposquatRule.KeyboardNeighbour)]
    [InlineData("tokii", "tokio", TyposquatRule.KeyboardNeighbour)]
    [InlineData("rand0", "rand9", TyposquatRule.KeyboardNeighbour)]
    // prefixes and suffixes
    [InlineData("serde-rs", "serde", TyposquatRule.Affix)]
    [InlineData("rust-serde", "serde", TyposquatRule.Affix)]
    [InlineData("serde_core", "serde", TyposquatRule.Affix)]
    [InlineData("rs-log", "log", TyposquatRule.Affix)]
    public void A_close_name_is_matched_by_its_rule(string candidate, string existing, TyposquatRule rule)
    {
        var variants = TyposquatNames.Variants(candidate);
        Assert.True(variants.TryGetValue(existing, out var found), $"{candidate} should resemble {existing}");
        Assert.Equal(rule, found);
    }

    [Theory]
    // Equal canonical names are a name conflict (refused at publish), not a typosquat.
    [InlineData("serde_json", "serde-json")]
    [InlineData("Serde", "serde")]
    // Short names: one edit from a three-letter name is another word more often than a typo.
    [InlineData("lg", "log")]
    [InlineData("lgo", "log")]
    [InlineData("loog", "log")]
    // Two edits away, or a different letter that is not a neighbouring key.
    [InlineData("sredee", "serde")]
    [InlineData("serpe", "serde")]
    [InlineData("tokyo", "tokio")]
    // An inserted character that is not a doubling is not judged (too many real names are one letter longer).
    [InlineData("serdex", "serde")]
    public void Names_that_are_not_close_are_not_matched(string candidate, string existing)
    {
        Assert.False(TyposquatNames.Variants(candidate).ContainsKey(existing), $"{candidate} should not resemble {existing}");
    }

    [Fact]
    public void Variants_are_canonical_well_formed_names()
    {
        foreach (var name in TyposquatNames.Variants("my_crate-rs").Keys)
        {
            Assert.Equal(TyposquatNames.Canonical(name), name);
            Assert.False(name.StartsWith('-') || name.EndsWith('-') || name.Contains("--"), name);
        }
    }

    [Fact]
    public void The_vendored_popular_list_loads_and_holds_the_names_its_source_note_promises()
    {
        var names = PopularCrates.ByCanonicalName;
        Assert.Equal(220, names.Count);
        Assert.Equal("serde_json", names["serde-json"]);
        Assert.True(names.ContainsKey("tokio"));
    }

    [Fact]
    public async Task The_service_reports_private_crates_first_and_a_popular_name_once()
    {
        var service = new TyposquatService(new FixedNames(new() { ["serde"] = "Serde", ["acme-billing"] = "acme_billing" }));

        // "serdde" resembles the private crate Serde (which shadows the popular serde: reported once, as private).
        Assert.Equal([new TyposquatMatch("Serde", TyposquatRule.Repeated, Popular: false)], await service.FindAsync("serdde", CancellationToken.None));
        Assert.Equal([new TyposquatMatch("acme_billing", TyposquatRule.Swapped, Popular: false)], await service.FindAsync("acme-bililng", CancellationToken.None));
        Assert.Equal([new TyposquatMatch("reqwest", TyposquatRule.Omitted, Popular: true)], await service.FindAsync("rqwest", CancellationToken.None));
        Assert.Empty(await service.FindAsync("acme-invoices", CancellationToken.None));
    }

    private sealed class FixedNames(Dictionary<string, string> names) : IPrivateCrateNames
    {
        public Task<IReadOnlyDictionary<string, string>> ExistingAsync(IReadOnlyCollection<string> canonicalNames, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, string>>(names.Where(n => canonicalNames.Contains(n.Key)).ToDictionary(n => n.Key, n => n.Value));
    }
}

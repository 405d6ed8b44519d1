using System.Text.Json;
using GhostCrate.Protocol.Index;

namespace GhostCrate.Protocol.Tests;

/// <summary>Golden lines: any change in what we write to the index must show up here.</summary>
public class IndexLineWriterTests
{
    private static readonly string FullLine = Json.Q(
        "{'name':'demo','vers':'1.2.3+build.5','deps':[" +
        "{'name':'serde','req':'^1.0','features':['derive'],'optional':false,'default_features':true,'target':null,'kind':'normal','registry':'https://github.com/rust-lang/crates.io-index'}," +
        "{'name':'rand08','req':'^0.8','features':[],'optional':false,'default_features':true,'target':null,'kind':'normal','registry':null,'package':'rand'}," +
        "{'name':'libc','req':'>=0.2, <0.3','features':[],'optional':false,'default_features':true,'target':'cfg(unix)','kind':'normal','registry':null}," +
        "{'name':'cc','req':'^1','features':[],'optional':false,'default_features':true,'target':null,'kind':'build','registry':null}," +
        "{'name':'proptest','req':'~1.4','features':[],'optional':false,'default_features':false,'target':null,'kind':'dev','registry':null}," +
        "{'name':'tokio','req':'^1','features':['rt'],'optional':true,'default_features':true,'target':null,'kind':'normal','registry':null}" +
        "],'cksum':'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'," +
        "'features':{'default':['std'],'std':[]},'yanked':false,'links':'demo-sys','v':2," +
        "'features2':{'async':['dep:tokio','std'],'fast':['tokio?/rt-multi-thread']}," +
        "'rust_version':'1.70','pubtime':'2026-11-22T10:00:00Z'}");

    private static readonly string PlainLine = Json.Q(
        "{'name':'plain','vers':'0.1.0','deps':[],'cksum':'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'," +
        "'features':{'a':[],'b':['a']},'yanked':false,'links':null,'v':1,'rust_version':null,'pubtime':'2026-11-22T10:00:00Z'}");

    private static IndexEntry Full() => IndexEntryFactory.FromPublish(Samples.Full(), Samples.Cksum, Samples.Pubtime);

    [Fact]
    public void Serializes_full_entry_to_golden_line() => Assert.Equal(FullLine, IndexLineWriter.Serialize(Full()));

    [Fact]
    public void Serializes_plain_entry_without_features2_as_v1() =>
        Assert.Equal(PlainLine, IndexLineWriter.Serialize(IndexEntryFactory.FromPublish(Samples.Plain(), Samples.Cksum, Samples.Pubtime)));

    [Fact]
    public void Output_is_a_single_line_without_html_escaping()
    {
        var line = IndexLineWriter.Serialize(Full());
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain("\\u", line);
        Assert.Contains("+build.5", line);
        Assert.Contains(">=0.2, <0.3", line);
    }

    [Fact]
    public void Feature_maps_are_sorted_even_when_built_unsorted()
    {
        var entry = new IndexEntry
        {
            Name = "x",
            Vers = "1.0.0",
            Cksum = "00",
            Features = new Dictionary<string, IReadOnlyList<string>> { ["zeta"] = [], ["Alpha"] = [], ["beta"] = [] },
        };
        Assert.Contains("\"features\":{\"Alpha\":[],\"beta\":[],\"zeta\":[]}", IndexLineWriter.Serialize(entry));
    }

    [Fact]
    public void Deserialize_then_serialize_is_identity()
    {
        Assert.Equal(FullLine, IndexLineWriter.Serialize(IndexLineWriter.Deserialize(FullLine)));
        Assert.Equal(PlainLine, IndexLineWriter.Serialize(IndexLineWriter.Deserialize(PlainLine)));
    }

    [Fact]
    public void WithYanked_sets_and_clears_only_the_yanked_flag()
    {
        var yanked = IndexLineWriter.WithYanked(FullLine, true);
        Assert.Equal(FullLine.Replace("\"yanked\":false", "\"yanked\":true"), yanked);
        Assert.Equal(FullLine, IndexLineWriter.WithYanked(yanked, false));
    }

    [Fact]
    public void WithYanked_returns_a_stored_line_that_already_says_it_as_stored()
    {
        var line = IndexLineWriter.Serialize(Full());
        Assert.Same(line, IndexLineWriter.WithYanked(line, false));
        var yanked = IndexLineWriter.WithYanked(line, true);
        Assert.Same(yanked, IndexLineWriter.WithYanked(yanked, true));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WithYanked_is_not_fooled_by_strings_that_spell_the_member(bool stored)
    {
        // Feature names and values are free text; a quote inside them is always escaped in the line.
        var entry = new IndexEntry
        {
            Name = "x",
            Vers = "1.0.0",
            Cksum = "00",
            Yanked = stored,
            Features = new Dictionary<string, IReadOnlyList<string>>
            {
                ["\"yanked\":true"] = ["\"yanked\":false"],
                ["yanked"] = [],
            },
        };
        var line = IndexLineWriter.Serialize(entry);
        foreach (var wanted in new[] { false, true })
        {
            var rendered = IndexLineWriter.WithYanked(line, wanted);
            Assert.Equal(IndexLineWriter.Serialize(entry with { Yanked = wanted }), rendered);
            Assert.Equal(wanted, IndexLineWriter.Deserialize(rendered).Yanked);
        }
    }

    [Fact]
    public void Reads_crates_io_style_lines_with_missing_optional_fields()
    {
        var line = Json.Q("{'name':'old','vers':'0.1.0','deps':[{'name':'a','req':'*','features':[],'optional':false,'default_features':true,'target':null,'kind':'normal'}],'cksum':'ab','features':{},'yanked':true}");
        var entry = IndexLineWriter.Deserialize(line);
        Assert.True(entry.Yanked);
        Assert.Equal(1, entry.V);
        Assert.Null(entry.Pubtime);
        Assert.Single(entry.Deps);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"name":"x","deps":[null]}""")]
    public void Rejects_malformed_lines(string line)
    {
        Assert.ThrowsAny<JsonException>(() => IndexLineWriter.Deserialize(line));
        Assert.False(IndexLineWriter.TryDeserialize(line, out var entry));
        Assert.Null(entry);
    }
}

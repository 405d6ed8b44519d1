using GhostCrate.Protocol.Api;
using GhostCrate.Protocol.Index;

namespace GhostCrate.Protocol.Tests;

/// <summary>The web API JSON cargo parses (https://doc.rust-lang.org/cargo/reference/registry-web-api.html).</summary>
public class ApiDtoTests
{
    [Fact]
    public void Publish_response_has_empty_warning_lists() =>
        Assert.Equal(Json.Q("{'warnings':{'invalid_categories':[],'invalid_badges':[],'other':[]}}"), Json.Write(PublishResponse.NoWarnings));

    [Fact]
    public void Publish_response_carries_warnings() =>
        Assert.Equal(
            Json.Q("{'warnings':{'invalid_categories':['x'],'invalid_badges':[],'other':['note <1>']}}"),
            Json.Write(new PublishResponse(new PublishWarnings(["x"], [], ["note <1>"]))));

    [Fact]
    public void Ok_response() => Assert.Equal(Json.Q("{'ok':true}"), Json.Write(OkResponse.Instance));

    [Fact]
    public void Owners_response_writes_null_names() =>
        Assert.Equal(
            Json.Q("{'users':[{'id':1,'login':'alice','name':null,'kind':'user'},{'id':2,'login':'org:acme','name':'Bob B','kind':'team'}]}"),
            Json.Write(new OwnersResponse([new OwnerUser(1, "alice", null), new OwnerUser(2, "org:acme", "Bob B", OwnerUser.TeamKind)])));

    [Fact]
    public void Owners_change_request_reads_cargo_body()
    {
        var request = Json.Read<OwnersChangeRequest>(Json.Q("{'users':['alice','github:org:team']}"));
        Assert.Equal(["alice", "github:org:team"], request.Users);
    }

    [Fact]
    public void Owners_change_response() =>
        Assert.Equal(Json.Q("{'ok':true,'msg':'user alice has been added as an owner of crate demo'}"),
            Json.Write(new OwnersChangeResponse(true, "user alice has been added as an owner of crate demo")));

    [Fact]
    public void Search_response() =>
        Assert.Equal(
            Json.Q("{'crates':[{'name':'demo','max_version':'1.2.0+meta','description':null}],'meta':{'total':7}}"),
            Json.Write(new SearchResponse([new SearchCrate("demo", "1.2.0+meta", null)], new SearchMeta(7))));

    [Fact]
    public void Search_response_writes_the_optional_fields_only_when_known() =>
        Assert.Equal(
            Json.Q("{'crates':[{'name':'demo','max_version':'1.0.0','description':'d','downloads':3,'updated_at':'2026-01-02T03:04:05+00:00'},{'name':'serde','max_version':'1.0.1','description':null,'registry':'crates-io'}],'meta':{'total':2}}"),
            Json.Write(new SearchResponse(
                [new SearchCrate("demo", "1.0.0", "d", 3, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)), new SearchCrate("serde", "1.0.1", null, Registry: "crates-io")],
                new SearchMeta(2))));

    [Fact]
    public void Error_response() =>
        Assert.Equal(Json.Q("{'errors':[{'detail':'crate `x` not found'}]}"), Json.Write(CargoErrorResponse.Of("crate `x` not found")));

    [Fact]
    public void Registry_config_omits_auth_required_when_false() =>
        Assert.Equal(Json.Q("{'dl':'https://r.example/api/v1/crates','api':'https://r.example'}"),
            Json.Write(new RegistryConfig("https://r.example/api/v1/crates", "https://r.example")));

    [Fact]
    public void Registry_config_writes_auth_required_when_true() =>
        Assert.Equal(Json.Q("{'dl':'https://r.example/dl/{crate}/{version}','api':'https://r.example','auth-required':true}"),
            Json.Write(new RegistryConfig("https://r.example/dl/{crate}/{version}", "https://r.example", AuthRequired: true)));

    [Fact]
    public void Registry_config_round_trips()
    {
        var config = Json.Read<RegistryConfig>(Json.Q("{'dl':'d','api':'a','auth-required':true}"));
        Assert.Equal(new RegistryConfig("d", "a", true), config);
    }
}

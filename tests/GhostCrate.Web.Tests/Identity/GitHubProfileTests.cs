using System.Net;
using System.Text;
using GhostCrate.Web.Auth.Sso;

namespace GhostCrate.Web.Tests.Identity;

/// <summary>GitHub's user API mapped to an identity (a canned API in-process: github.com is not reachable from tests).</summary>
public class GitHubProfileTests
{
    private sealed class CannedGitHub : HttpMessageHandler
    {
        public List<string> Seen { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Seen.Add($"{request.RequestUri!.PathAndQuery} {request.Headers.Authorization}");
            var body = request.RequestUri!.AbsolutePath switch
            {
                "/api/v3/user" => """{"id":4242,"login":"octo","name":"Octo Cat","email":null}""",
                "/api/v3/user/orgs" => """[{"login":"acme"},{"login":"other"}]""",
                "/api/v3/user/teams" => """[{"slug":"core","organization":{"login":"acme"}}]""",
                _ => null,
            };
            return Task.FromResult(body is null
                ? new HttpResponseMessage(HttpStatusCode.NotFound)
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }

    [Fact]
    public async Task The_user_api_gives_subject_login_and_org_and_team_groups()
    {
        var handler = new CannedGitHub();
        using var http = new HttpClient(handler);
        var identity = await GitHubProfile.LoadAsync(http, "https://github.example.test/api/v3", "gho_secret", TestContext.Current.CancellationToken);

        Assert.Equal("4242", identity.Subject);
        Assert.Equal("octo", identity.PreferredUsername);
        Assert.Equal("Octo Cat", identity.DisplayName);
        Assert.Null(identity.Email);
        Assert.Equal(["acme", "other", "acme/core"], identity.Groups);
        Assert.All(handler.Seen, s => Assert.EndsWith("Bearer gho_secret", s));
    }
}

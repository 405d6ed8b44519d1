using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using GhostCrate.Core.Identity;

namespace GhostCrate.Web.Auth.Sso;

/// <summary>
/// GitHub speaks OAuth 2 without OpenID Connect: the person comes from its REST API
/// (https://docs.github.com/en/rest/users/users#get-the-authenticated-user), groups are the organizations
/// (`acme`) and teams (`acme/core`) the user belongs to.
/// </summary>
public static class GitHubProfile
{
    public const string AuthorizeUrl = "https://github.com/login/oauth/authorize";
    public const string TokenUrl = "https://github.com/login/oauth/access_token";

    public static async Task<ExternalIdentity> LoadAsync(HttpClient http, string apiUrl, string accessToken, CancellationToken cancellationToken)
    {
        using var user = await GetAsync(http, $"{apiUrl}/user", accessToken, cancellationToken);
        var root = user.RootElement;
        var id = root.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);
        var login = root.TryGetProperty("login", out var l) ? l.GetString() : null;
        var name = root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        var email = root.TryGetProperty("email", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

        var groups = new List<string>();
        using (var orgs = await GetAsync(http, $"{apiUrl}/user/orgs?per_page=100", accessToken, cancellationToken))
        {
            groups.AddRange(orgs.RootElement.EnumerateArray().Select(o => o.GetProperty("login").GetString()!));
        }
        using (var teams = await GetAsync(http, $"{apiUrl}/user/teams?per_page=100", accessToken, cancellationToken))
        {
            groups.AddRange(teams.RootElement.EnumerateArray().Select(t => $"{t.GetProperty("organization").GetProperty("login").GetString()}/{t.GetProperty("slug").GetString()}"));
        }
        return new ExternalIdentity(id, login, email, name, groups);
    }

    private static async Task<JsonDocument> GetAsync(HttpClient http, string url, string accessToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.ParseAdd("application/vnd.github+json");
        request.Headers.UserAgent.ParseAdd("GhostCrate");
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
    }
}

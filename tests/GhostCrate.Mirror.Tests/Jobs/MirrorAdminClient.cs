using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests.Jobs;

/// <summary>
/// An administrator of a <see cref="MirrorServer"/>: the admin token for the JSON API, and a browser-like session
/// (cookie jar, POST /login, the antiforgery token) for /admin/mirror and its forms.
/// </summary>
public sealed class MirrorAdminClient : IDisposable
{
    public const string Token = "gcr_mirror_jobs_admin_token_0123456789";

    private readonly HttpClientHandler _handler;

    private MirrorAdminClient(MirrorServer server)
    {
        Api = server.Client();
        Api.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", Token);
        _handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        Browser = new HttpClient(_handler) { BaseAddress = server.BaseAddress };
    }

    public HttpClient Api { get; }
    public HttpClient Browser { get; }

    public static Dictionary<string, string?> Settings() => new() { ["ADMIN_TOKEN"] = Token };

    public static async Task<MirrorAdminClient> SignInAsync(MirrorServer server)
    {
        var client = new MirrorAdminClient(server);
        var login = await client.Browser.PostAsJsonAsync("login", new { username = "admin", password = "correct horse battery" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return client;
    }

    public async Task<HttpResponseMessage> StartAsync(object body) => await Api.PostAsJsonAsync("api/v1/admin/mirror/runs", body);

    public async Task<JsonElement> RunAsync(long id) =>
        JsonDocument.Parse(await Api.GetStringAsync($"api/v1/admin/mirror/runs/{id}")).RootElement;

    /// <summary>Polls the run (with a deadline) until it has finished; returns its last state.</summary>
    public async Task<JsonElement> FinishedAsync(long id)
    {
        JsonElement run = default;
        await Eventually.TrueAsync(async () =>
        {
            run = await RunAsync(id);
            return run.GetProperty("state").GetString() is "succeeded" or "failed" or "cancelled";
        }, $"mirror run {id} did not finish", TimeSpan.FromSeconds(60));
        return run;
    }

    /// <summary>A page form's POST, with the antiforgery field as a browser sends it.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, Dictionary<string, string> fields)
    {
        var csrf = JsonDocument.Parse(await Browser.GetStringAsync("api/v1/csrf")).RootElement;
        fields[csrf.GetProperty("form_field_name").GetString()!] = csrf.GetProperty("token").GetString()!;
        return await Browser.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    public void Dispose()
    {
        Api.Dispose();
        Browser.Dispose();
        _handler.Dispose();
    }
}

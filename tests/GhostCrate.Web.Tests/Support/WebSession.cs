using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Dom;

namespace GhostCrate.Web.Tests.Support;

/// <summary>A browser-like client: a cookie jar, sign-in through POST /login and the antiforgery token for writes.</summary>
public sealed class WebSession : IDisposable
{
    private readonly HttpClientHandler _handler;

    public HttpClient Http { get; }
    public CookieContainer Cookies { get; } = new();

    /// <param name="forwardedFor">When set, every request carries X-Forwarded-For with it, as a reverse proxy would add.</param>
    public WebSession(TestApp app, string? forwardedFor = null)
    {
        _handler = new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false };
        Http = new HttpClient(_handler) { BaseAddress = app.BaseAddress };
        if (forwardedFor is not null) Http.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
    }

    /// <summary>JSON sign-in; returns the response (200 with the user, or a problem).</summary>
    public Task<HttpResponseMessage> LoginAsync(string username, string password) =>
        Http.PostAsJsonAsync("/login", new { username, password });

    /// <summary>The antiforgery token (and its cookie, kept in the jar).</summary>
    public async Task<(string Token, string FormField)> CsrfAsync()
    {
        var json = JsonDocument.Parse(await Http.GetStringAsync("/api/v1/csrf")).RootElement;
        return (json.GetProperty("token").GetString()!, json.GetProperty("form_field_name").GetString()!);
    }

    /// <summary>A request carrying the antiforgery header, as the UI's scripts send it.</summary>
    public async Task<HttpResponseMessage> SendWithCsrfAsync(HttpMethod method, string path, object? body = null)
    {
        var (token, _) = await CsrfAsync();
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-CSRF-TOKEN", token);
        return await Http.SendAsync(request);
    }

    /// <summary>Posts a page's form as a browser would: its hidden fields (the antiforgery one among them) plus <paramref name="fields"/>.</summary>
    public Task<HttpResponseMessage> PostFormAsync(IElement form, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var hidden = form.QuerySelectorAll("input[type='hidden']").Select(i => new KeyValuePair<string, string>(i.GetAttribute("name")!, i.GetAttribute("value") ?? ""));
        return Http.PostAsync(form.GetAttribute("action"), new FormUrlEncodedContent([.. hidden, .. fields]));
    }

    public void Dispose()
    {
        Http.Dispose();
        _handler.Dispose();
    }
}

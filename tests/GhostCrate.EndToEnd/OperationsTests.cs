using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>
/// The real `ghostcrate serve` as an orchestrator and a log collector see it: SIGTERM drains (readiness 503 first,
/// every started request finishes), and JSON logs are one object per line with the request fields and no secrets.
/// Each test owns its server: SIGTERM ends it, and the log settings are its own.
/// </summary>
public sealed class OperationsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<GhostCrateServer> StartAsync(Dictionary<string, string> settings)
    {
        if (Lane.Current.UnavailableReason is { } reason) Assert.Skip(reason);
        return await GhostCrateServer.StartAsync(new ServerOptions { Settings = settings }, Cancel);
    }

    [Fact]
    public async Task Sigterm_turns_readiness_503_while_serving_and_every_started_request_finishes()
    {
        await using var server = await StartAsync(new() { ["GHOSTCRATE_Server__DrainSeconds"] = "10" });
        try
        {
            var (_, token) = await server.CreateUserWithTokenAsync("drain", Cancel);
            var name = $"drain-{Ids.New()}";
            // Random text does not compress: a body large enough to keep trickling in through the whole drain.
            var filler = "// " + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48 * 1024)) + "\n";
            var body = CrateFiles.PublishBody(name, "1.0.0", CrateFiles.Build(name, "1.0.0", libRs: filler));
            using var http = new HttpClient { BaseAddress = server.BaseUrl };

            // A publish whose body is still arriving when the listeners close (a slow upload, faster than Kestrel's
            // minimum data rate): it must complete, not be cut off.
            var releaseRest = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var firstHalfSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var publishRequest = new HttpRequestMessage(HttpMethod.Put, "api/v1/crates/new") { Content = new GatedContent(body, 4096, firstHalfSent, releaseRest.Task) };
            publishRequest.Headers.TryAddWithoutValidation("Authorization", token);
            var publish = http.SendAsync(publishRequest, Cancel);
            await firstHalfSent.Task.WaitAsync(TimeSpan.FromSeconds(30), Cancel);

            // A stream of reads, as a load balancer sends them until it sees the node leave (readiness 503).
            var leftRotation = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var outcomes = new System.Collections.Concurrent.ConcurrentQueue<string>();
            async Task ReadLoopAsync()
            {
                while (!leftRotation.Task.IsCompleted)
                {
                    try
                    {
                        using var response = await http.GetAsync("api/v1/crates?q=drain", Cancel);
                        outcomes.Enqueue(response.StatusCode == HttpStatusCode.OK ? "ok" : $"status {(int)response.StatusCode}");
                    }
                    catch (HttpRequestException e)
                    {
                        outcomes.Enqueue($"failed: {e.Message}");
                    }
                }
            }
            var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(ReadLoopAsync, Cancel)).ToList();
            await WaitUntilAsync(() => outcomes.Count >= 20, TimeSpan.FromSeconds(30), "20 reads before SIGTERM");

            server.SendTerminate();
            var readiness = await WaitForStatusAsync(http, "health/ready", HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
            Assert.Equal("draining", readiness.RootElement.GetProperty("status").GetString());
            Assert.False(server.HasExited, "the server must keep running while it drains");
            var servedWhileDraining = outcomes.Count;
            // Still serving: the liveness probe and new requests answer while readiness says 503.
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("health/live", Cancel)).StatusCode);
            using (var whileDraining = await http.GetAsync("api/v1/crates?q=drain", Cancel))
            {
                Assert.Equal(HttpStatusCode.OK, whileDraining.StatusCode);
                // Keep-alive clients are asked to reconnect (through the load balancer, to a node that stays).
                Assert.True(whileDraining.Headers.ConnectionClose, "a response while draining must carry Connection: close");
            }
            leftRotation.SetResult();
            await Task.WhenAll(readers);

            // After the drain the listeners close: new connections are refused, while the publish is still in flight.
            await WaitUntilAsync(() => !Accepts(server.Port), TimeSpan.FromSeconds(60), "the listener to close after the drain");
            Assert.False(publish.IsCompleted, "the publish must still be waiting for the rest of its body");
            releaseRest.SetResult();
            using var published = await publish.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
            Assert.True(published.StatusCode == HttpStatusCode.OK, $"publish answered {(int)published.StatusCode}: {await published.Content.ReadAsStringAsync(Cancel)}");

            Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(30), Cancel));
            var failures = outcomes.Where(o => o != "ok").ToList();
            Assert.True(failures.Count == 0, $"{failures.Count} of {outcomes.Count} reads failed: {string.Join("; ", failures.Distinct())}");
            Assert.True(servedWhileDraining >= 20);

            // The publish that finished during the shutdown is stored.
            await server.RestartAsync(Cancel);
            Assert.Single(await server.Http.GetIndexEntriesAsync(name, cancellationToken: Cancel));
        }
        catch
        {
            TestContext.Current.TestOutputHelper?.WriteLine(server.Log);
            throw;
        }
    }

    [Fact]
    public async Task Json_logs_are_one_object_per_line_with_request_fields_and_never_a_secret()
    {
        await using var server = await StartAsync(new()
        {
            ["GHOSTCRATE_Logs__Format"] = "Json",
            ["GHOSTCRATE_Logs__Requests"] = "true",
            // Debug, so that whatever the framework writes about a request is checked too.
            ["GHOSTCRATE_Logging__LogLevel__Default"] = "Debug",
        });
        try
        {
            var mark = server.LogLength;
            var user = $"logs{Ids.New()}";
            var password = $"pw-{Guid.NewGuid():N}";
            using var http = new HttpClient { BaseAddress = server.BaseUrl };
            var adminCall = new HttpRequestMessage(HttpMethod.Post, "api/v1/admin/users") { Content = JsonContent.Create(new { username = user, password }) };
            adminCall.Headers.TryAddWithoutValidation("Authorization", server.AdminToken);
            Assert.Equal(HttpStatusCode.Created, (await http.SendAsync(adminCall, Cancel)).StatusCode);

            // A password sign-in (JSON body), then calls with the session cookie it set.
            using var browserHandler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
            using var browser = new HttpClient(browserHandler) { BaseAddress = server.BaseUrl };
            Assert.Equal(HttpStatusCode.OK, (await browser.PostAsync("login", JsonContent.Create(new { username = user, password }), Cancel)).StatusCode);
            var sessionCookie = browserHandler.CookieContainer.GetCookies(server.BaseUrl).Single(c => c.Name == "ghostcrate.session").Value;
            var csrf = (await browser.GetFromJsonAsync<JsonElement>("api/v1/csrf", Cancel)).GetProperty("token").GetString()!;
            var create = new HttpRequestMessage(HttpMethod.Put, "api/v1/me/tokens") { Content = JsonContent.Create(new { name = "ci" }) };
            create.Headers.Add("X-CSRF-TOKEN", csrf);
            using var created = await browser.SendAsync(create, Cancel);
            var createdText = await created.Content.ReadAsStringAsync(Cancel);
            Assert.True(created.IsSuccessStatusCode, createdText);
            var newToken = JsonDocument.Parse(createdText).RootElement.GetProperty("api_token").GetProperty("token").GetString()!;

            // The new token in the Authorization header: a publish (crate named in the log) and a read of the index.
            var name = $"logged-{Ids.New()}";
            Assert.Equal(HttpStatusCode.OK, (await server.Http.PublishAsync(CrateFiles.PublishBody(name, "0.1.0", CrateFiles.Build(name, "0.1.0")), newToken, Cancel)).Status);
            Assert.Equal(HttpStatusCode.OK, (await server.Http.GetIndexFileAsync(name, newToken, cancellationToken: Cancel)).Status);
            // A form post with a password, and a token in a JSON body, both refused.
            Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = user, ["password"] = password }), Cancel)).StatusCode);
            var tokenInBody = new HttpRequestMessage(HttpMethod.Post, "api/v1/admin/users") { Content = JsonContent.Create(new { username = newToken, password = server.AdminToken }) };
            tokenInBody.Headers.Authorization = new AuthenticationHeaderValue("Bearer", newToken);
            await http.SendAsync(tokenInBody, Cancel);
            // A query string with a secret (as the sign-in callback has an OAuth code).
            await http.GetAsync($"login/corp/callback?code={password}&state={newToken}", Cancel);

            // The last request's line (refused ones are logged too), then no secret anywhere in what was written.
            await WaitForLogAsync(server, mark, l => Category(l) == "GhostCrate.Web.Http.RequestLogMiddleware" && State(l, "Route") == "/login/{provider}/callback" && State(l, "Status") == "404");
            var log = server.LogSince(mark);
            foreach (var secret in new[] { password, newToken, server.AdminToken, sessionCookie, csrf })
            {
                Assert.DoesNotContain(secret, log);
            }

            var requestLine = await WaitForLogAsync(server, mark, l => Category(l) == "GhostCrate.Web.Http.RequestLogMiddleware" && State(l, "Route") == "/api/v1/crates/new");
            Assert.Equal("PUT", State(requestLine, "Method"));
            Assert.Equal("200", State(requestLine, "Status"));
            Assert.Equal(user, State(requestLine, "User"));
            Assert.Equal($"{name}@0.1.0", State(requestLine, "Crate"));
            Assert.Matches("^[0-9a-f]{32}$", State(requestLine, "TraceId"));
            Assert.True(double.Parse(State(requestLine, "DurationMs")!, System.Globalization.CultureInfo.InvariantCulture) > 0);
            // The fast path's answers are logged too, with the path (no route: they answer before routing).
            await WaitForLogAsync(server, mark, l => Category(l) == "GhostCrate.Web.Http.RequestLogMiddleware" && State(l, "Path")!.EndsWith("/" + name, StringComparison.Ordinal) && State(l, "Status") == "200");
            // The session cookie's user.
            await WaitForLogAsync(server, mark, l => Category(l) == "GhostCrate.Web.Http.RequestLogMiddleware" && State(l, "Path") == "/api/v1/me/tokens" && State(l, "User") == user);


        }
        catch
        {
            TestContext.Current.TestOutputHelper?.WriteLine(server.Log);
            throw;
        }
    }

    /// <summary>Every line the server printed since <paramref name="mark"/> must be a JSON object; returns the first matching one.</summary>
    private static async Task<JsonElement> WaitForLogAsync(GhostCrateServer server, int mark, Func<JsonElement, bool> match)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            foreach (var line in server.LogSince(mark).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (line.StartsWith("# ", StringComparison.Ordinal)) continue; // the test harness's own notes
                JsonElement json;
                try
                {
                    json = JsonDocument.Parse(line).RootElement;
                }
                catch (JsonException e)
                {
                    throw new Xunit.Sdk.XunitException($"a log line is not JSON ({e.Message}): {line}");
                }
                Assert.Equal(JsonValueKind.Object, json.ValueKind);
                Assert.True(json.TryGetProperty("Timestamp", out _) && json.TryGetProperty("LogLevel", out _) && json.TryGetProperty("Category", out _), line);
                if (match(json)) return json;
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(30)) throw new Xunit.Sdk.XunitException("no such log line within 30 s:\n" + server.LogSince(mark));
            await Task.Delay(50, Cancel);
        }
    }

    private static string? Category(JsonElement line) => line.GetProperty("Category").GetString();

    private static string? State(JsonElement line, string key) =>
        line.TryGetProperty("State", out var state) && state.TryGetProperty(key, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText() : null;

    private static async Task<JsonDocument> WaitForStatusAsync(HttpClient http, string path, HttpStatusCode status, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var response = await http.GetAsync(path, Cancel);
            if (response.StatusCode == status) return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
            if (deadline.Elapsed > timeout) throw new Xunit.Sdk.XunitException($"{path} still answers {(int)response.StatusCode} after {timeout}");
            await Task.Delay(20, Cancel);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > timeout) throw new Xunit.Sdk.XunitException($"timed out waiting for {what}");
            await Task.Delay(20, Cancel);
        }
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var tcp = new TcpClient();
            tcp.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// A request body sent as a slow client sends it: the first part at once, then 256 bytes every 250 ms (about
    /// 1 KB/s, above Kestrel's minimum of 240 bytes/s) until <c>release</c> completes, then the rest.
    /// </summary>
    private sealed class GatedContent(byte[] body, int firstPart, TaskCompletionSource firstSent, Task release) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, firstPart));
            await stream.FlushAsync();
            firstSent.TrySetResult();
            var sent = firstPart;
            while (!release.IsCompleted && body.Length - sent > 256)
            {
                await stream.WriteAsync(body.AsMemory(sent, 256));
                await stream.FlushAsync();
                sent += 256;
                await Task.WhenAny(release, Task.Delay(250));
            }
            await release;
            await stream.WriteAsync(body.AsMemory(sent));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }
}

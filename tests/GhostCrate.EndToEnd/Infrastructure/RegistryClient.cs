using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace GhostCrate.EndToEnd.Infrastructure;

/// <summary>An HTTP answer read to the end, so it can be asserted on and printed.</summary>
public sealed record HttpAnswer(HttpStatusCode Status, string Body, HttpResponseMessage Message)
{
    public int Code => (int)Status;

    public string Describe() =>
        $"HTTP {Code} {Status}\n{string.Join('\n', Message.Headers.Concat(Message.Content.Headers).Select(h => $"{h.Key}: {string.Join(", ", h.Value)}"))}\n\n{Body}";

    /// <summary>The detail strings of Cargo's error envelope {"errors":[{"detail":"..."}]}; empty if the body is not one.</summary>
    public IReadOnlyList<string> ErrorDetails() => ParseErrorDetails(Body);

    public static IReadOnlyList<string> ParseErrorDetails(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["errors"]?.AsArray()
                .Select(e => e?["detail"]?.GetValue<string>() ?? "")
                .ToList() ?? [];
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return [];
        }
    }
}

/// <summary>
/// Raw HTTP access to a server, written from the Cargo documentation rather than from our Protocol project, so the
/// tests check the server against the spec and not against itself.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    public RegistryClient(Uri baseUrl)
    {
        Raw = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = baseUrl,
            Timeout = TimeSpan.FromMinutes(2),
        };
    }

    public HttpClient Raw { get; }

    /// <summary>
    /// Index file path of a crate: https://doc.rust-lang.org/cargo/reference/registry-index.html#index-files
    /// (1/{n}, 2/{n}, 3/{first char}/{n}, {first two}/{next two}/{n}, all lowercase).
    /// </summary>
    public static string IndexPath(string crate)
    {
        var n = crate.ToLowerInvariant();
        return n.Length switch
        {
            1 => $"1/{n}",
            2 => $"2/{n}",
            3 => $"3/{n[0]}/{n}",
            _ => $"{n[..2]}/{n[2..4]}/{n}",
        };
    }

    public Task<HttpAnswer> GetAsync(string path, string? token = null, IEnumerable<(string Name, string Value)>? headers = null,
        CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return SendAsync(request, token, cancellationToken);
    }

    public Task<HttpAnswer> GetIndexFileAsync(string crate, string? token = null, string? ifNoneMatch = null,
        CancellationToken cancellationToken = default) =>
        GetAsync("index/" + IndexPath(crate), token, ifNoneMatch is null ? null : [("If-None-Match", ifNoneMatch)], cancellationToken);

    /// <summary>The lines of a crate's index file, parsed; asserts a 200.</summary>
    public async Task<IReadOnlyList<JsonObject>> GetIndexEntriesAsync(string crate, string? token = null, CancellationToken cancellationToken = default)
    {
        var answer = await GetIndexFileAsync(crate, token, cancellationToken: cancellationToken);
        Assert.True(answer.Status == HttpStatusCode.OK, $"GET index of {crate}:\n{answer.Describe()}");
        return ParseIndexLines(answer.Body);
    }

    public static IReadOnlyList<JsonObject> ParseIndexLines(string body) =>
        body.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!.AsObject())
            .ToList();

    /// <summary>PUT /api/v1/crates/new with a body built by <see cref="CrateFiles.PublishBody"/>.</summary>
    public Task<HttpAnswer> PublishAsync(byte[] body, string? token, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "api/v1/crates/new") { Content = new ByteArrayContent(body) };
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        return SendAsync(request, token, cancellationToken);
    }

    /// <summary>
    /// Starts a publish announcing the whole body but sends only the first <paramref name="sentBytes"/> bytes, then
    /// drops the connection, as a client killed mid-upload would.
    /// </summary>
    public async Task PublishCutOffAsync(byte[] body, int sentBytes, string token, CancellationToken cancellationToken = default)
    {
        var baseUrl = Raw.BaseAddress!;
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(baseUrl.Host, baseUrl.Port, cancellationToken);
        var stream = tcp.GetStream();
        var head = $"PUT {baseUrl.AbsolutePath.TrimEnd('/')}/api/v1/crates/new HTTP/1.1\r\nHost: {baseUrl.Authority}\r\n" +
                   $"Content-Length: {body.Length}\r\nAuthorization: {token}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken);
        await stream.WriteAsync(body.AsMemory(0, sentBytes), cancellationToken);
        await stream.FlushAsync(cancellationToken);
        tcp.Client.LingerState = new System.Net.Sockets.LingerOption(true, 0); // RST, not a polite FIN
        tcp.Close();
    }

    /// <summary>
    /// PUT /api/v1/crates/new over a bare socket, reading the answer while the body is still being sent, as curl (and
    /// so cargo) does. A server may rightly answer 413 and close as soon as the declared size is over its limit;
    /// HttpClient then reports the broken pipe instead of the answer, so oversized uploads are sent this way.
    /// </summary>
    public async Task<(int Status, string Head, string Body)> PublishOverSocketAsync(byte[] body, string? token,
        CancellationToken cancellationToken = default)
    {
        var baseUrl = Raw.BaseAddress!;
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(baseUrl.Host, baseUrl.Port, cancellationToken);
        var stream = tcp.GetStream();
        var head = new StringBuilder()
            .Append("PUT ").Append(baseUrl.AbsolutePath.TrimEnd('/')).Append("/api/v1/crates/new HTTP/1.1\r\n")
            .Append("Host: ").Append(baseUrl.Authority).Append("\r\n")
            .Append("Accept: application/json\r\n")
            .Append("Content-Length: ").Append(body.Length).Append("\r\n")
            .Append("Connection: close\r\n");
        if (token is not null)
        {
            head.Append("Authorization: ").Append(token).Append("\r\n");
        }

        head.Append("\r\n");
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(async () =>
        {
            var received = new MemoryStream();
            var buffer = new byte[64 * 1024];
            try
            {
                int n;
                while ((n = await stream.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    received.Write(buffer, 0, n);
                    answered.TrySetResult();
                }
            }
            catch (IOException)
            {
                // Reset after the answer: keep what arrived.
            }

            answered.TrySetResult();
            return received.ToArray();
        }, cancellationToken);

        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken);
            for (var offset = 0; offset < body.Length && !answered.Task.IsCompleted; offset += 64 * 1024)
            {
                await stream.WriteAsync(body.AsMemory(offset, Math.Min(64 * 1024, body.Length - offset)), cancellationToken);
            }
        }
        catch (IOException)
        {
            // The server stopped reading; its answer (if any) is in the reader.
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        var bytes = await reader.WaitAsync(timeout.Token);
        var text = Encoding.UTF8.GetString(bytes);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0)
        {
            return (0, text, "");
        }

        var responseHead = text[..split];
        var responseBody = text[(split + 4)..];
        var statusLine = responseHead.Split("\r\n")[0].Split(' ');
        var status = statusLine.Length > 1 && int.TryParse(statusLine[1], out var code) ? code : 0;
        if (responseHead.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            responseBody = Dechunk(responseBody);
        }

        return (status, responseHead, responseBody);
    }

    private static string Dechunk(string chunked)
    {
        var result = new StringBuilder();
        var position = 0;
        while (position < chunked.Length)
        {
            var lineEnd = chunked.IndexOf("\r\n", position, StringComparison.Ordinal);
            if (lineEnd < 0)
            {
                break;
            }

            var size = Convert.ToInt32(chunked[position..lineEnd].Split(';')[0].Trim(), 16);
            if (size == 0)
            {
                break;
            }

            result.Append(chunked, lineEnd + 2, Math.Min(size, chunked.Length - lineEnd - 2));
            position = lineEnd + 2 + size + 2;
        }

        return result.ToString();
    }

    public Task<HttpAnswer> YankAsync(string crate, string version, string token, CancellationToken cancellationToken = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"api/v1/crates/{crate}/{version}/yank"), token, cancellationToken);

    public Task<HttpAnswer> UnyankAsync(string crate, string version, string token, CancellationToken cancellationToken = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Put, $"api/v1/crates/{crate}/{version}/unyank"), token, cancellationToken);

    public Task<HttpAnswer> SearchAsync(string query, string? token = null, CancellationToken cancellationToken = default) =>
        GetAsync($"api/v1/crates?q={Uri.EscapeDataString(query)}&per_page=100", token, cancellationToken: cancellationToken);

    public async Task<(HttpStatusCode Status, byte[] Body)> DownloadAsync(string crate, string version, string? token = null,
        CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/crates/{crate}/{version}/download");
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", token);
        }

        // Downloads may redirect (to a CDN or a presigned S3 URL); follow like cargo does, keeping the token only
        // on our own origin.
        using var response = await Raw.SendAsync(request, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.TemporaryRedirect
            or HttpStatusCode.MovedPermanently or HttpStatusCode.SeeOther or HttpStatusCode.PermanentRedirect
            && response.Headers.Location is { } location)
        {
            var target = location.IsAbsoluteUri ? location : new Uri(Raw.BaseAddress!, location);
            using var follow = new HttpRequestMessage(HttpMethod.Get, target);
            if (token is not null && target.Authority == Raw.BaseAddress!.Authority)
            {
                follow.Headers.TryAddWithoutValidation("Authorization", token);
            }

            using var redirected = await Raw.SendAsync(follow, cancellationToken);
            return (redirected.StatusCode, await redirected.Content.ReadAsByteArrayAsync(cancellationToken));
        }

        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }

    public async Task<HttpAnswer> SendAsync(HttpRequestMessage request, string? token, CancellationToken cancellationToken = default)
    {
        using (request)
        {
            if (token is not null)
            {
                // Cargo sends the raw token, no scheme: https://doc.rust-lang.org/cargo/reference/registry-web-api.html#authorization
                request.Headers.TryAddWithoutValidation("Authorization", token);
            }

            var response = await Raw.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return new HttpAnswer(response.StatusCode, body, response);
        }
    }

    public void Dispose() => Raw.Dispose();
}

/// <summary>Builds .crate files and publish bodies by hand, for tests that need exact control over the bytes.</summary>
public static class CrateFiles
{
    /// <summary>
    /// A .crate: a gzip'd tar whose entries all live under {name}-{version}/, with a Cargo.toml and src/lib.rs.
    /// <paramref name="manifestName"/> lets a test lie about the name inside Cargo.toml; <paramref name="extraEntries"/>
    /// adds raw entries (paths as written, e.g. with "..").
    /// </summary>
    public static byte[] Build(string name, string version, string? manifestName = null, string? libRs = null,
        IEnumerable<(string Path, byte[] Content)>? extraEntries = null, string manifestExtra = "")
    {
        var prefix = $"{name}-{version}/";
        var manifest = $"[package]\nname = \"{manifestName ?? name}\"\nversion = \"{version}\"\nedition = \"2021\"\nlicense = \"MIT\"\ndescription = \"GhostCrate end-to-end test crate\"\n{manifestExtra}";
        var entries = new List<(string Path, byte[] Content)>
        {
            (prefix + "Cargo.toml", Encoding.UTF8.GetBytes(manifest)),
            (prefix + "src/lib.rs", Encoding.UTF8.GetBytes(libRs ?? $"pub fn version() -> &'static str {{ \"{version}\" }}\n")),
        };
        entries.AddRange(extraEntries ?? []);

        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        using (var tar = new System.Formats.Tar.TarWriter(gzip, System.Formats.Tar.TarEntryFormat.Gnu, leaveOpen: true))
        {
            foreach (var (path, content) in entries)
            {
                var entry = new System.Formats.Tar.GnuTarEntry(System.Formats.Tar.TarEntryType.RegularFile, path)
                {
                    DataStream = new MemoryStream(content),
                    Mode = (UnixFileMode)Convert.ToInt32("644", 8),
                    ModificationTime = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero),
                };
                tar.WriteEntry(entry);
            }
        }

        return output.ToArray();
    }

    /// <summary>The metadata JSON cargo sends: https://doc.rust-lang.org/cargo/reference/registry-web-api.html#publish</summary>
    public static JsonObject Metadata(string name, string version) => new()
    {
        ["name"] = name,
        ["vers"] = version,
        ["deps"] = new JsonArray(),
        ["features"] = new JsonObject(),
        ["authors"] = new JsonArray("GhostCrate e2e"),
        ["description"] = "GhostCrate end-to-end test crate",
        ["documentation"] = null,
        ["homepage"] = null,
        ["readme"] = null,
        ["readme_file"] = null,
        ["keywords"] = new JsonArray(),
        ["categories"] = new JsonArray(),
        ["license"] = "MIT",
        ["license_file"] = null,
        ["repository"] = null,
        ["badges"] = new JsonObject(),
        ["links"] = null,
        ["rust_version"] = null,
    };

    /// <summary>One entry of the publish metadata's "deps", as cargo writes it.</summary>
    public static JsonObject Dependency(string name, string versionReq, string? registry, string? explicitNameInToml = null,
        string kind = "normal", string? target = null, bool optional = false) => new()
    {
        ["name"] = name,
        ["version_req"] = versionReq,
        ["features"] = new JsonArray(),
        ["optional"] = optional,
        ["default_features"] = true,
        ["target"] = target,
        ["kind"] = kind,
        ["registry"] = registry,
        ["explicit_name_in_toml"] = explicitNameInToml,
    };

    /// <summary>u32 LE json length, json, u32 LE crate length, crate bytes.</summary>
    public static byte[] PublishBody(JsonObject metadata, byte[] crate)
    {
        var json = Encoding.UTF8.GetBytes(metadata.ToJsonString());
        var body = new byte[4 + json.Length + 4 + crate.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(0, 4), (uint)json.Length);
        json.CopyTo(body, 4);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4 + json.Length, 4), (uint)crate.Length);
        crate.CopyTo(body, 8 + json.Length);
        return body;
    }

    public static byte[] PublishBody(string name, string version, byte[] crate) => PublishBody(Metadata(name, version), crate);

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
}

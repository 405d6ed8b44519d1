using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace GhostCrate.EndToEnd.Infrastructure;

/// <summary>
/// Debian's nginx running deploy/nginx/ghostcrate.conf as shipped, with only its addresses and paths replaced, in
/// front of one GhostCrate or several nodes (one upstream `server` line each): https on a free 127.0.0.1 port with a self-signed certificate made here by openssl.
/// nginx connects to GhostCrate from 127.0.0.2 (proxy_bind), so GhostCrate can tell the proxy (127.0.0.2) from the
/// client (127.0.0.1, in X-Forwarded-For).
/// </summary>
public sealed class NginxFront : IAsyncDisposable
{
    public const string ProxyAddress = "127.0.0.2";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly StringBuilder _log = new();
    private Process? _process;

    private NginxFront(string dir, int httpsPort, int httpPort)
    {
        Dir = dir;
        HttpsPort = httpsPort;
        HttpPort = httpPort;
        CertificateFile = Path.Combine(dir, "tls", "fullchain.pem");
    }

    public string Dir { get; }
    public int HttpsPort { get; }
    public int HttpPort { get; }
    public Uri BaseUrl => new($"https://127.0.0.1:{HttpsPort}/");
    public string CargoIndexUrl => $"sparse+https://127.0.0.1:{HttpsPort}/index/";

    /// <summary>The self-signed certificate, for CARGO_HTTP_CAINFO.</summary>
    public string CertificateFile { get; }

    public string ErrorLog => File.Exists(Path.Combine(Dir, "error.log")) ? File.ReadAllText(Path.Combine(Dir, "error.log")) : "";

    /// <summary>nginx's path, or null when it is not installed (scripts/test.sh installs it from Debian).</summary>
    public static string? Executable() =>
        new[] { "/usr/sbin/nginx", "/usr/local/sbin/nginx" }.Concat(
            (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(p => Path.Combine(p, "nginx")))
        .FirstOrDefault(File.Exists);

    /// <summary>Picks the ports (so GhostCrate's Registry:PublicUrl can name them before nginx starts).</summary>
    public static NginxFront Prepare() =>
        new(TempDirs.Create("nginx"), GhostCrateServer.FreePort(), GhostCrateServer.FreePort());

    public Task StartAsync(int upstreamPort, CancellationToken cancellationToken) => StartAsync([upstreamPort], cancellationToken);

    public async Task StartAsync(IReadOnlyList<int> upstreamPorts, CancellationToken cancellationToken)
    {
        var nginx = Executable() ?? throw new InvalidOperationException("nginx is not installed");
        Directory.CreateDirectory(Path.Combine(Dir, "tls"));
        Directory.CreateDirectory(Path.Combine(Dir, "tmp"));
        var key = Path.Combine(Dir, "tls", "privkey.pem");
        var openssl = await ProcessRunner.RunAsync("openssl",
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", CertificateFile],
            Dir, cancellationToken: cancellationToken);
        Assert.True(openssl.Succeeded, openssl.Describe());

        await File.WriteAllTextAsync(Path.Combine(Dir, "ghostcrate.conf"), ShippedConfig(upstreamPorts), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(Dir, "nginx.conf"), $$"""
            user root;
            worker_processes 1;
            pid {{Dir}}/nginx.pid;
            error_log {{Dir}}/error.log info;
            events { worker_connections 256; }
            http {
                access_log {{Dir}}/access.log;
                client_body_temp_path {{Dir}}/tmp/body;
                proxy_temp_path {{Dir}}/tmp/proxy;
                fastcgi_temp_path {{Dir}}/tmp/fastcgi;
                uwsgi_temp_path {{Dir}}/tmp/uwsgi;
                scgi_temp_path {{Dir}}/tmp/scgi;
                proxy_bind {{ProxyAddress}};
                include {{Dir}}/ghostcrate.conf;
            }
            """, cancellationToken);

        var psi = new ProcessStartInfo(nginx) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-p", Dir, "-c", Path.Combine(Dir, "nginx.conf"), "-g", "daemon off;" }) psi.ArgumentList.Add(a);
        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var http = Client();
        if (await ReadinessPoll.WaitAsync(http, "health", () => process.HasExited, StartTimeout, cancellationToken)) return;
        throw new InvalidOperationException($"nginx did not answer /health within {StartTimeout}.\n{Describe()}");
    }

    /// <summary>deploy/nginx/ghostcrate.conf with addresses and paths for this test; each replaced text must be there.</summary>
    private string ShippedConfig(IReadOnlyList<int> upstreamPorts)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "deploy", "nginx", "ghostcrate.conf"));
        foreach (var (from, to) in new[]
        {
            ("server 127.0.0.1:8000;", string.Join("\n    ", upstreamPorts.Select(p => $"server 127.0.0.1:{p};"))),
            ("listen 443 ssl http2;", $"listen 127.0.0.1:{HttpsPort} ssl http2;"),
            ("listen 80;", $"listen 127.0.0.1:{HttpPort};"),
            ("/etc/ssl/ghostcrate/", Path.Combine(Dir, "tls") + "/"),
            ("/var/cache/nginx/ghostcrate", Path.Combine(Dir, "cache")),
        })
        {
            Assert.True(text.Contains(from, StringComparison.Ordinal), $"deploy/nginx/ghostcrate.conf no longer contains `{from}`; update {nameof(NginxFront)}");
            text = text.Replace(from, to, StringComparison.Ordinal);
        }
        return text;
    }

    /// <summary>An HTTP client that trusts exactly this front's certificate (HTTP/2 when asked per request), with a cookie jar when given one.</summary>
    public HttpClient Client(CookieContainer? cookies = null)
    {
        var trusted = X509CertificateLoader.LoadCertificateFromFile(CertificateFile);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = cookies is not null,
            CookieContainer = cookies ?? new CookieContainer(),
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(trusted.RawData) },
        };
        return new HttpClient(handler) { BaseAddress = BaseUrl, Timeout = TimeSpan.FromMinutes(2) };
    }

    public string Describe()
    {
        lock (_log)
        {
            return $"--- nginx output ---\n{_log}\n--- error.log ---\n{ErrorLog}";
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            ProcessRunner.KillTree(_process);
            await _process.WaitForExitAsync(CancellationToken.None);
            _process.Dispose();
        }
        TempDirs.Delete(Dir);
    }
}

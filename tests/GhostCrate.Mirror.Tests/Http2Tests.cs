using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Mirror.Tests;

/// <summary>An upstream that offers HTTP/2 (TLS with ALPN, like crates.io's CDN) gets HTTP/2 for index files and downloads.</summary>
public sealed class Http2Tests
{
    [Fact]
    public async Task Index_files_and_crate_files_come_over_http2_when_the_upstream_offers_it()
    {
        using var certificate = SelfSigned();
        var crate = RandomNumberGenerator.GetBytes(5000);
        var cksum = Convert.ToHexStringLower(SHA256.HashData(crate));
        var seen = new ConcurrentQueue<(string Path, string Protocol)>();

        var builder = WebApplication.CreateSlimBuilder(["--hostBuilder:reloadConfigOnChange=false"]);
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(certificate);
        }));
        await using var app = builder.Build();
        app.Use(async (context, next) =>
        {
            seen.Enqueue((context.Request.Path.Value ?? "", context.Request.Protocol));
            await next();
        });
        app.MapGet("/index/config.json", (HttpContext context) => Results.Json(new { dl = $"https://{context.Request.Host}/dl/{{crate}}/{{version}}" }));
        app.MapGet("/index/h2/-t/h2-test", () => Results.Text(
            $"{{\"name\":\"h2-test\",\"vers\":\"1.0.0\",\"deps\":[],\"cksum\":\"{cksum}\",\"features\":{{}},\"yanked\":false}}\n", "text/plain"));
        app.MapGet("/dl/h2-test/1.0.0", () => Results.Bytes(crate, "application/gzip"));
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

        var thumbprint = certificate.GetCertHashString();
        await using var mirror = new MirrorHarness(tuneHandler: handler =>
            handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == thumbprint);
        mirror.Init($"sparse+{address}/index/", selection: new SelectionConfig { Crates = ["h2-test"] });
        var report = await mirror.SyncAsync();

        Assert.True(report.Complete, string.Join("; ", report.Failures));
        Assert.Equal(["1.0.0"], mirror.ServedVersions("h2-test"));
        Assert.Equal(crate, File.ReadAllBytes(mirror.Layout.CrateFile("h2-test", "1.0.0")));
        Assert.Contains(("/index/h2/-t/h2-test", "HTTP/2"), seen);
        Assert.Contains(("/dl/h2-test/1.0.0", "HTTP/2"), seen);
        await app.StopAsync(TestContext.Current.CancellationToken);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Kestrel wants a certificate whose private key it can use from a PKCS#12 round trip.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;
using GhostCrate.Composition;
using GhostCrate.Configuration;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Http;

namespace GhostCrate.Web.Tests;

/// <summary>
/// The decision and the outbound half of inline socket completions. The end-to-end proof that a blocked request
/// does not hold up the socket threads is BlockedWriterTests (a real `ghostcrate serve`, the only process that may switch).
/// </summary>
public sealed class InlineSocketCompletionsTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite, StorageProvider.FileSystem, null, true)]
    [InlineData(DatabaseProvider.Postgres, StorageProvider.FileSystem, null, false)]
    [InlineData(DatabaseProvider.Sqlite, StorageProvider.S3, null, false)]
    [InlineData(DatabaseProvider.Postgres, StorageProvider.S3, null, false)]
    [InlineData(DatabaseProvider.Sqlite, StorageProvider.FileSystem, "0", false)]
    [InlineData(DatabaseProvider.Sqlite, StorageProvider.FileSystem, "", false)]
    [InlineData(DatabaseProvider.Sqlite, StorageProvider.FileSystem, " 1", false)] // the runtime reads it as off, too
    [InlineData(DatabaseProvider.Postgres, StorageProvider.S3, "1", true)]
    public void On_by_default_for_sqlite_with_files_and_an_explicit_variable_decides(DatabaseProvider database, StorageProvider storage, string? variable, bool expected)
    {
        var settings = DefaultSettings();
        settings.Database.Provider = database;
        settings.Storage.Provider = storage;
        Assert.Equal(expected, InlineSocketCompletions.ShouldUse(settings, variable));
    }

    [Fact]
    public void A_process_that_is_not_the_executable_never_switches()
    {
        // Test processes host servers in-process; the runtime would apply the variable to every socket of the run.
        Assert.False(InlineSocketCompletions.AllowedInThisProcess);
        Assert.False(InlineSocketCompletions.Apply(DefaultSettings()));
        Assert.Null(Environment.GetEnvironmentVariable(InlineSocketCompletions.RuntimeVariable));
    }

    [Fact]
    public void Every_sockets_handler_gets_the_pool_resuming_connect_and_other_handlers_are_left_alone()
    {
        var filter = new InlineSocketCompletions.PoolResumingConnectionsFilter();
        var plain = new Builder(new SocketsHttpHandler());
        filter.Configure(_ => { })(plain);
        Assert.NotNull(((SocketsHttpHandler)plain.PrimaryHandler).ConnectCallback);

        Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> own = (_, _) => throw new InvalidOperationException();
        var custom = new Builder(new SocketsHttpHandler { ConnectCallback = own });
        filter.Configure(_ => { })(custom);
        Assert.Same(own, ((SocketsHttpHandler)custom.PrimaryHandler).ConnectCallback);

        using var other = new HttpClientHandler();
        var unknown = new Builder(other);
        filter.Configure(_ => { })(unknown);
        Assert.Same(other, unknown.PrimaryHandler);

        // The filter runs after the client's own configuration: a handler set there is the one it sees.
        var replaced = new Builder(new HttpClientHandler());
        filter.Configure(b => b.PrimaryHandler = new SocketsHttpHandler())(replaced);
        Assert.NotNull(((SocketsHttpHandler)replaced.PrimaryHandler).ConnectCallback);
    }

    [Fact]
    public async Task The_pool_resuming_connect_carries_a_real_request_and_answer()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken);
            var stream = client.GetStream();
            var received = new StringBuilder();
            var buffer = new byte[4096];
            while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await stream.ReadAsync(buffer, TestContext.Current.CancellationToken);
                if (n == 0) break;
                received.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"u8.ToArray(), TestContext.Current.CancellationToken);
            return received.ToString();
        }, TestContext.Current.CancellationToken);

        using var http = new HttpClient(new SocketsHttpHandler { ConnectCallback = InlineSocketCompletions.ConnectAsync });
        var body = await http.GetStringAsync($"http://127.0.0.1:{port}/probe", TestContext.Current.CancellationToken);
        Assert.Equal("hello", body);
        Assert.StartsWith("GET /probe HTTP/1.1", await server);
    }

    private static GhostCrateSettings DefaultSettings()
    {
        var (settings, errors) = GhostCrateSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataDir"] = "./data",
            ["Urls"] = "http://127.0.0.1:8000",
        }).Build(), Path.GetTempPath());
        Assert.Empty(errors);
        return settings!;
    }

    private sealed class Builder(HttpMessageHandler primary) : HttpMessageHandlerBuilder
    {
        public override string? Name { get; set; } = "test";
        public override HttpMessageHandler PrimaryHandler { get; set; } = primary;
        public override IList<DelegatingHandler> AdditionalHandlers { get; } = [];
        public override HttpMessageHandler Build() => PrimaryHandler;
    }
}

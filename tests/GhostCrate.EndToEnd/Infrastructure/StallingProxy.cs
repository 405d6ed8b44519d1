using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GhostCrate.EndToEnd.Infrastructure;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of an HTTP server (the S3 server) that never forwards a request whose first bytes
/// contain <c>stallOn</c>: the client waits for an answer that does not come. Lets a test hold a process at an exact
/// point (e.g. `backup create` reading a crate file from S3) without sleeps. Everything else is relayed unchanged.
/// </summary>
public sealed class StallingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _upstream;
    private readonly string _stallOn;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _stalled;

    public StallingProxy(Uri upstream, string stallOn)
    {
        _upstream = upstream;
        _stallOn = stallOn;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Whether a request was held.</summary>
    public bool Stalled => Volatile.Read(ref _stalled) != 0;

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                connections.Add(RelayAsync(client));
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(connections);
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await upstream.ConnectAsync(_upstream.Host, _upstream.Port, _stop.Token);
                var fromClient = client.GetStream();
                var toUpstream = upstream.GetStream();
                var back = toUpstream.CopyToAsync(fromClient, _stop.Token);
                var buffer = new byte[64 * 1024];
                int read;
                while ((read = await fromClient.ReadAsync(buffer, _stop.Token)) > 0)
                {
                    if (Encoding.ASCII.GetString(buffer, 0, read).Contains(_stallOn, StringComparison.Ordinal))
                    {
                        Interlocked.Exchange(ref _stalled, 1);
                        await Task.Delay(Timeout.Infinite, _stop.Token);
                    }

                    await toUpstream.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                }

                await back;
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
            {
                // The client went away, or the proxy is being disposed.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}

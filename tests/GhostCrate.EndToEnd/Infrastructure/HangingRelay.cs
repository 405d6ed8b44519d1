using System.Net;
using System.Net.Sockets;

namespace GhostCrate.EndToEnd.Infrastructure;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of a server that can be switched to hang: after <see cref="Hang"/> it drops the
/// connections it was relaying and accepts new ones without ever answering (what an upstream behind a broken network
/// path or an overloaded load balancer looks like), until <see cref="Resume"/>. <see cref="Accepted"/> counts every
/// connection a client opened, so a test can show that a client stopped trying.
/// </summary>
public sealed class HangingRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private bool _hanging;
    private int _accepted;

    public HangingRelay(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>From now on nothing is answered; connections being relayed are cut (a client's pooled connection too).</summary>
    public void Hang()
    {
        lock (_gate)
        {
            _hanging = true;
            CloseAllLocked();
        }
    }

    /// <summary>Relays again; the held connections are closed.</summary>
    public void Resume()
    {
        lock (_gate)
        {
            _hanging = false;
            CloseAllLocked();
        }
    }

    private void CloseAllLocked()
    {
        foreach (var client in _open) client.Dispose();
        _open.Clear();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            bool hanging;
            lock (_gate)
            {
                hanging = _hanging;
                _open.Add(client);
            }
            if (!hanging) _ = RelayAsync(client);
            // A held connection is simply never read from nor written to.
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var target = new TcpClient();
        try
        {
            await target.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            lock (_gate) _open.Add(target);
            var a = client.GetStream();
            var b = target.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
        }
        catch (Exception)
        {
            // Cut by Hang, Resume or the end of the test: the client sees its connection close.
        }
        finally
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_gate) CloseAllLocked();
        try { await _accepting; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}

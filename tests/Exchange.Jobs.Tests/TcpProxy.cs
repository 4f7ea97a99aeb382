using System.Net;
using System.Net.Sockets;

namespace Exchange.Jobs.Tests;

/// <summary>
/// A TCP relay between a service and the test's PostgreSQL, so a test can take "the database" away
/// from one process (refusing new connections and cutting open ones) without stopping the server
/// every other test shares.
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _open = [];
    private readonly CancellationTokenSource _stop = new();
    private TcpListener? _listener;
    private Task? _accepting;

    public TcpProxy(string host, int port, int listenPort = 0)
    {
        _target = new IPEndPoint(IPAddress.Parse(host), port);
        Port = listenPort;
    }

    public int Port { get; private set; }

    public void Start()
    {
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        var listener = _listener;
        _accepting = Task.Run(() => AcceptAsync(listener));
    }

    /// <summary>The database goes away: no new connection is accepted and every open one is cut.</summary>
    public async Task StopAsync()
    {
        _listener?.Stop();
        if (_accepting is not null)
        {
            await _accepting;
        }

        lock (_open)
        {
            foreach (var client in _open)
            {
                try
                {
                    // A reset, as a server that went away leaves its clients.
                    client.Client?.LingerState = new LingerOption(true, 0);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                }

                client.Dispose();
            }

            _open.Clear();
        }
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (true)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(_target);
            }
            catch (SocketException)
            {
                inbound.Dispose();
                outbound.Dispose();
                continue;
            }

            lock (_open)
            {
                _open.Add(inbound);
                _open.Add(outbound);
            }

            _ = PumpAsync(inbound, outbound);
            _ = PumpAsync(outbound, inbound);
        }
    }

    private static async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream());
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await StopAsync();
        _stop.Dispose();
    }
}

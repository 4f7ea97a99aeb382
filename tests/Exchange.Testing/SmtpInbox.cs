using System.Buffers;
using System.Collections.Concurrent;
using MimeKit;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Exchange.Testing;

/// <summary>
/// A real SMTP server inside the test process (the SmtpServer package) on a free loopback port: it
/// receives what the exchange sends over the wire and keeps each message as MimeKit parses it.
/// </summary>
public sealed class SmtpInbox : IAsyncDisposable
{
    private readonly ConcurrentQueue<MimeMessage> _messages = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SmtpServer.SmtpServer _server;
    private readonly Task _running;

    private SmtpInbox(int port)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(e => e.Endpoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port))).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(_messages));
        services.Add(new DelegatingMailboxFilter((_, _) => true, (_, to, _) => Accepts(to.AsAddress())));
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(_stop.Token);
    }

    public int Port { get; }

    /// <summary>Whether a recipient address is accepted; a refused one gets 550, as a real server answers an unknown mailbox.</summary>
    public Func<string, bool> Accepts { get; set; } = _ => true;

    public IReadOnlyList<MimeMessage> Messages => _messages.ToArray();

    /// <summary>The settings that point the exchange at this server.</summary>
    public Dictionary<string, string?> Settings => SettingsFor(Port);

    /// <summary>The settings for a server on <paramref name="port"/>, which may not be running yet.</summary>
    public static Dictionary<string, string?> SettingsFor(int port) => new()
    {
        ["Exchange:Mail:Host"] = "127.0.0.1",
        ["Exchange:Mail:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Exchange:Mail:Security"] = "None",
    };

    public static SmtpInbox Start(int? port = null) => new(port ?? FreePorts.Next());

    public async ValueTask DisposeAsync()
    {
        _server.Shutdown();
        await _stop.CancelAsync();
        try
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            // Stopped by the cancellation, or still closing a session: either way it is going.
        }

        _stop.Dispose();
    }

    private sealed class Store(ConcurrentQueue<MimeMessage> messages) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream();
            foreach (var segment in buffer)
            {
                stream.Write(segment.Span);
            }

            stream.Position = 0;
            messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}

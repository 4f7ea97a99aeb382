using System.Net;
using System.Net.Sockets;
using System.Text;
using Exchange.Core.Webhooks;
using Microsoft.Extensions.Options;
using Exchange.Jobs.Scheduling;

namespace Exchange.Jobs.Webhooks;

/// <summary>The outcome of one attempt: the status code if the endpoint answered, the retry hint, and a short reason.</summary>
public sealed record SendOutcome(bool Succeeded, int? StatusCode, TimeSpan? RetryAfter, string? Error)
{
    public bool Gone => StatusCode == (int)HttpStatusCode.Gone;
}

/// <summary>
/// Sends one signed webhook. The socket is opened by <see cref="ConnectAsync"/>, which resolves the
/// host itself and connects only to addresses <see cref="WebhookTargetPolicy"/> allows, so neither
/// a DNS answer nor a literal address can aim the exchange at its own network; redirects are not
/// followed (a 3xx is a failed attempt), so they cannot either.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _client;
    private readonly WebhookTargetPolicy _policy;

    public WebhookSender(WebhookTargetPolicy policy, IOptions<WebhookJobOptions> options)
    {
        _policy = policy;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectCallback = ConnectAsync,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        };
        _client = new HttpClient(handler) { Timeout = options.Value.Timeout };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("Exchange-Webhooks/1.0");
    }

    public async Task<SendOutcome> SendAsync(Uri url, string messageId, string body, IReadOnlyList<string> secrets, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var refusal = _policy.RefusalFor(url);
        if (refusal is not null)
        {
            return new SendOutcome(false, null, null, "target refused: " + refusal);
        }

        var timestamp = now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookSignature.IdHeader, messageId);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Header(secrets, messageId, timestamp, body));
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var code = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new SendOutcome(true, code, null, null);
            }

            // The status code and its standard phrase only: the response body is never read, so nothing
            // the receiver wrote (which may quote data) reaches the exchange's records.
            return new SendOutcome(false, code, RetryAfter(response, now), $"HTTP {code} {ReasonPhrase(code)}".TrimEnd());
        }
        catch (HttpRequestException ex) when (ex.InnerException is TargetRefusedException)
        {
            return new SendOutcome(false, null, null, "target refused: the host resolves to a loopback, private or link-local address");
        }
        catch (HttpRequestException ex)
        {
            return new SendOutcome(false, null, null, ex.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => "connection failed: the host name does not resolve (NameResolutionError)",
                HttpRequestError.SecureConnectionError => "connection failed: TLS handshake or certificate check failed (SecureConnectionError)",
                HttpRequestError.ConnectionError => "connection failed: refused or reset (ConnectionError)",
                HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse => $"connection failed: no valid HTTP answer ({ex.HttpRequestError})",
                _ => $"connection failed ({ex.HttpRequestError})",
            });
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SendOutcome(false, null, null, $"timed out: no answer within {_client.Timeout.TotalSeconds:0} s");
        }
    }

    private static string ReasonPhrase(int code) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(code);

    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            return date > now ? date - now : TimeSpan.Zero;
        }

        return null;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(_policy.IsAllowed).ToArray();
        if (allowed.Length == 0)
        {
            throw new TargetRefusedException();
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _client.Dispose();

    private sealed class TargetRefusedException() : Exception("The webhook target is not an allowed address.");
}

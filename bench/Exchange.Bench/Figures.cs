using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Exchange.Bench;

/// <summary>The load of figures 3 to 6, each a function of the running services.</summary>
public static class Figures
{
    /// <summary>The API's keyset cursor for "after this case" (Exchange.Api's KeysetCursor: the id's bytes, base64url).</summary>
    public static string Cursor(Guid id) => Convert.ToBase64String(id.ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Figure 3: one inbox page, back to back; a page that comes back empty counts as failed.</summary>
    public static Task<Measurement> InboxAsync(HttpClient http, string api, string token, string figure, string? cursor, int clients, TimeSpan duration) =>
        Load.RunAsync(figure, clients, duration, async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, api + "/api/v1/cases?box=inbox" + (cursor is null ? "" : "&cursor=" + cursor));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            return page.GetProperty("items").GetArrayLength() > 0;
        });

    /// <summary>Figure 5: client_credentials with a secret, back to back.</summary>
    public static Task<Measurement> TokensAsync(HttpClient http, string identity, string clientId, string secret, int clients, TimeSpan duration)
    {
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}"));
        return Load.RunAsync("tokens issued (client_credentials, secret)", clients, duration, async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, identity + "/connect/token")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
            using var response = await http.SendAsync(request);
            return response.IsSuccessStatusCode;
        });
    }

    /// <summary>
    /// Figure 5: cases opened at a fixed rate (open loop) while a receiver in this process takes the
    /// receiving member's `case.created` webhooks; the lag is from the submission's 201 to the
    /// webhook's arrival. Deliveries still missing <paramref name="drain"/> after the last submission count as failed.
    /// </summary>
    public static async Task<Measurement> WebhookLagAsync(
        HttpClient http, string api, string submitterToken, Func<int, object> body, WebhookReceiver receiver, int perSecond, TimeSpan duration, TimeSpan drain)
    {
        var submitted = new ConcurrentDictionary<Guid, long>();
        var failedSubmissions = 0;
        var clock = Stopwatch.StartNew();
        var interval = TimeSpan.FromSeconds(1.0 / perSecond);
        var inFlight = new List<Task>();
        var n = 0;
        while (clock.Elapsed < duration)
        {
            var due = interval * n;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var number = Interlocked.Increment(ref n);
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, api + "/api/v1/cases") { Content = JsonContent.Create(body(1_000_000 + number)) };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", submitterToken);
                    using var response = await http.SendAsync(request);
                    if (response.StatusCode != HttpStatusCode.Created)
                    {
                        Interlocked.Increment(ref failedSubmissions);
                        return;
                    }

                    var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
                    submitted[id] = Stopwatch.GetTimestamp();
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref failedSubmissions);
                }
            }));
        }

        await Task.WhenAll(inFlight);
        var sent = clock.Elapsed;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < drain && submitted.Keys.Any(id => !receiver.Arrived.ContainsKey(id)))
        {
            await Task.Delay(200);
        }

        var lags = submitted.Where(s => receiver.Arrived.ContainsKey(s.Key))
            .Select(s => Math.Max(0, Stopwatch.GetElapsedTime(s.Value, receiver.Arrived[s.Key]).TotalMilliseconds)).Order().ToArray();
        var missing = submitted.Count - lags.Length;
        return new Measurement($"webhook end-to-end lag at {perSecond} events/s", perSecond, submitted.Count / sent.TotalSeconds,
            Load.Percentile(lags, 0.50), Load.Percentile(lags, 0.99), lags.Length, missing + failedSubmissions);
    }

    /// <summary>Figure 6: the peak resident memory (VmHWM) of a process, from /proc; NaN where there is no /proc.</summary>
    public static double PeakMemoryMegabytes(int processId)
    {
        var status = $"/proc/{processId}/status";
        if (!File.Exists(status))
        {
            return double.NaN;
        }

        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
    }
}

/// <summary>A member system's webhook endpoint in the bench process: answers 204 and notes when each case's event arrived.</summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public WebhookReceiver(int port)
    {
        Url = $"http://127.0.0.1:{port}/hooks/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    public ConcurrentDictionary<Guid, long> Arrived { get; } = new();

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var at = Stopwatch.GetTimestamp();
            try
            {
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var payload = JsonDocument.Parse(await reader.ReadToEndAsync());
                if (payload.RootElement.TryGetProperty("data", out var data) && data.TryGetProperty("caseId", out var caseId))
                {
                    Arrived.TryAdd(caseId.GetGuid(), at);
                }
            }
            catch (JsonException)
            {
                // Not an event of ours; answered all the same.
            }

            context.Response.StatusCode = 204;
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}

using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Exchange.Jobs.Tests;

/// <summary>A member's webhook endpoint: a real Kestrel server on 127.0.0.1 with a dynamic port.</summary>
internal sealed class Receiver : IAsyncDisposable
{
    public sealed record Received(string Id, string Timestamp, string Signature, string Body);

    private readonly WebApplication _app;
    private int _calls;

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>Answers the n-th call (1-based); the default answers 204.</summary>
    public Func<int, HttpContext, Task> Respond { get; set; } = (_, context) =>
    {
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    };

    public Uri Url { get; private set; } = null!;

    private Receiver(WebApplication app) => _app = app;

    public static async Task<Receiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new Receiver(app);
        app.MapPost("/hook", async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            receiver.Requests.Enqueue(new Received(
                context.Request.Headers["webhook-id"].ToString(),
                context.Request.Headers["webhook-timestamp"].ToString(),
                context.Request.Headers["webhook-signature"].ToString(),
                body));
            await receiver.Respond(Interlocked.Increment(ref receiver._calls), context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/hook");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

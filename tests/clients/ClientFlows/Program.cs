// The docs/demo.md flow (section 2 and its resolve) as a member system would write it against a
// client generated from the Api's OpenAPI document: a token from Identity at the token URL the
// document names, a customer authorisation, a case, globex's inbox, accept with If-Match, a note,
// resolve with the ETag the accept answered. Only the generated clients talk to the Api; nothing
// in Generated/ is edited by hand.
//
//   dotnet ClientFlows.dll nswag|kiota <openapi.json> <api base url>
// Credentials come from the environment: ACME_CLIENT_ID, ACME_CLIENT_SECRET, GLOBEX_CLIENT_ID,
// GLOBEX_CLIENT_SECRET. Prints "flow <client> resolved <case id>" and exits 0, or exits 1 with
// what went wrong.
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Exchange.ClientFlows;

if (args.Length != 3 || args[0] is not ("nswag" or "kiota"))
{
    Console.Error.WriteLine("usage: ClientFlows nswag|kiota <openapi.json> <api base url>");
    return 2;
}

var (client, documentPath, api) = (args[0], args[1], args[2]);
try
{
    // The token URL as the document's OAuth 2.0 client-credentials scheme gives it.
    using var document = JsonDocument.Parse(await File.ReadAllTextAsync(documentPath));
    var tokenUrl = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("oauth2")
        .GetProperty("flows").GetProperty("clientCredentials").GetProperty("tokenUrl").GetString()!;
    var acme = await Token.FetchAsync(tokenUrl, Env("ACME_CLIENT_ID"), Env("ACME_CLIENT_SECRET"));
    var globex = await Token.FetchAsync(tokenUrl, Env("GLOBEX_CLIENT_ID"), Env("GLOBEX_CLIENT_SECRET"));
    var id = client == "nswag" ? await NSwagFlow.RunAsync(api, acme, globex) : await KiotaFlow.RunAsync(api, acme, globex);
    Console.WriteLine($"flow {client} resolved {id}");
    return 0;
}
catch (Exchange.ClientFlows.NSwag.ApiException<Exchange.ClientFlows.NSwag.Problem> ex)
{
    Console.Error.WriteLine($"flow {client} failed: {ex.StatusCode} {ex.Result.Code}: {ex.Result.Detail} {JsonSerializer.Serialize(ex.Result.Errors)}\n{ex.StackTrace}");
    return 1;
}
catch (Exchange.ClientFlows.Kiota.Models.Problem ex)
{
    Console.Error.WriteLine($"flow {client} failed: {ex.Status} {ex.Code}: {ex.Detail} {JsonSerializer.Serialize(ex.Errors?.AdditionalData)}\n{ex.StackTrace}");
    return 1;
}
catch (Exception ex)
{
    Console.Error.WriteLine($"flow {client} failed: {ex}");
    return 1;
}

static string Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
    ? value
    : throw new InvalidOperationException($"{name} is not set.");

namespace Exchange.ClientFlows
{
    /// <summary>The demo's values: the same customer, case and answers as docs/demo.md section 2.</summary>
    public static class Demo
    {
        public const string Customer = "Umbrella Retail BV";
        public const string Purpose = "Diagnose the printer driver crash";
        public const string Evidence = "CRM-4711";
        public const string AuthorisedByName = "Uma Ubbink";
        public const string AuthorisedByRole = "IT manager";
        public const string AuthorisedByEmail = "uma@umbrella.example";
        public const string SubmitterReference = "ACME-1001";
        public const string ReceiverReference = "GLX-77";
        public const string Note = "Reproduced with driver 4.2; testing 4.3";
        public const string StepsTaken = "Updated the driver";
        public const string Conclusion = "Fixed in 4.3";

        public static readonly Dictionary<string, string> Fields = new()
        {
            ["summary"] = "Driver crashes on print",
            ["product"] = "LaserJet X",
            ["productVersion"] = "4.2",
            ["customerOrganisation"] = Customer,
            ["customerContactName"] = "Uma Ubbink",
            ["customerContactPhone"] = "+31 20 555 0100",
        };

        public static void Check(bool condition, string what)
        {
            if (!condition)
            {
                throw new InvalidOperationException("unexpected answer: " + what);
            }
        }
    }

    /// <summary>Client credentials at the document's token URL, as the demo's curl does.</summary>
    public static class Token
    {
        public static async Task<string> FetchAsync(string tokenUrl, string clientId, string secret)
        {
            using var http = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, tokenUrl)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return body.RootElement.GetProperty("access_token").GetString()!;
        }

        public static HttpClient Bearer(string token)
        {
            var http = new HttpClient();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return http;
        }
    }
}

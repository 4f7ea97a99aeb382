using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Exchange.Identity.Tests;

public sealed partial class TwoFactorTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    [Fact]
    public async Task After_turning_on_an_authenticator_app_sign_in_needs_a_valid_code_after_the_password()
    {
        const string email = "gina@globex.example";
        using var setup = fixture.Server.CreateBrowser();
        await setup.AuthorizeAsync(Protocol.NewVerifier(), email: email);
        var page = await setup.GetStringAsync("/account/two-factor");
        var key = KeyField().Match(page).Groups[1].Value;
        using var wrongSetup = await setup.PostFormAsync("/account/two-factor", [("__csrf", Csrf(page)), ("code", "000000")]);
        Assert.Equal(HttpStatusCode.BadRequest, wrongSetup.StatusCode);
        Assert.Contains("The code is wrong", await wrongSetup.Content.ReadAsStringAsync());
        using var enabled = await setup.PostFormAsync("/account/two-factor", [("__csrf", Csrf(await wrongSetup.Content.ReadAsStringAsync())), ("code", Totp(key))]);
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        Assert.Contains("Authenticator app on", await enabled.Content.ReadAsStringAsync());

        using var browser = fixture.Server.CreateBrowser();
        var returnUrl = Protocol.AuthorizeUrl(Protocol.NewVerifier());
        using var password = await browser.SubmitLoginAsync(returnUrl, email);
        // The right password alone starts no session: the code form comes back instead of a redirect.
        Assert.Equal(HttpStatusCode.OK, password.StatusCode);
        var form = await password.Content.ReadAsStringAsync();
        var pending = PendingField().Match(form).Groups[1].Value;
        using var stillNoSession = await browser.GetAsync(returnUrl);
        Assert.StartsWith("/account/login", stillNoSession.Headers.Location!.OriginalString);

        using var wrong = await browser.PostFormAsync("/account/login/two-factor", [("__csrf", Csrf(form)), ("returnUrl", returnUrl), ("pending", pending), ("code", "123456" == Totp(key) ? "654321" : "123456")]);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("The code is wrong", await wrong.Content.ReadAsStringAsync());
        using var forged = await browser.PostFormAsync("/account/login/two-factor", [("__csrf", Csrf(form)), ("returnUrl", returnUrl), ("pending", "forged"), ("code", Totp(key))]);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        using var right = await browser.PostFormAsync("/account/login/two-factor", [("__csrf", Csrf(form)), ("returnUrl", returnUrl), ("pending", pending), ("code", Totp(key))]);
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal(returnUrl, right.Headers.Location!.OriginalString);
        using var code = await browser.GetAsync(returnUrl);
        Assert.StartsWith(IdentityServer.AppRedirect + "?code=", code.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_setup_page_needs_a_session()
    {
        using var browser = fixture.Server.CreateBrowser();

        using var page = await browser.GetAsync("/account/two-factor");

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
    }

    private static string Csrf(string page) => CsrfField().Match(page).Groups[1].Value;

    /// <summary>RFC 6238 TOTP: HMAC-SHA1 over the 30-second step, six digits; the key is Base32.</summary>
    private static string Totp(string base32Key)
    {
        var key = Base32(base32Key);
        var counter = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30);
        var hash = HMACSHA1.HashData(key, counter);
        var offset = hash[^1] & 0x0F;
        var value = (BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(offset)) & 0x7FFFFFFF) % 1_000_000;
        return value.ToString("D6", CultureInfo.InvariantCulture);
    }

    private static byte[] Base32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in text.TrimEnd('=').ToUpperInvariant())
        {
            buffer = (buffer << 5) | alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }

        return [.. bytes];
    }

    [GeneratedRegex("<code id=\"key\">([A-Z2-7]+)</code>")]
    private static partial Regex KeyField();

    [GeneratedRegex("name=\"pending\" value=\"([^\"]+)\"")]
    private static partial Regex PendingField();

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}

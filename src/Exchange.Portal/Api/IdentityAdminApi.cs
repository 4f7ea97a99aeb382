using System.Net.Http.Json;
using System.Text.Json;

namespace Exchange.Portal.Api;

public sealed record UserDto(Guid Id, string Email, string DisplayName, string MemberId, List<string> Roles, bool IsActive, bool LockedOut, DateTimeOffset CreatedAt);

/// <summary>An invitation: mailed to the user, or (mail off) a single-use link for the admin to pass on.</summary>
public sealed record InvitationDto(UserDto User, bool InvitationMailed, string? InvitationUrl, DateTimeOffset InvitationExpiresAt);

public sealed record ClientDto(string ClientId, string DisplayName, string MemberId, List<string> Scopes, List<string> Roles, bool IsActive, DateTimeOffset CreatedAt, DateTimeOffset? PreviousSecretExpiresAt);

public sealed record CreatedClientDto(ClientDto Client, string ClientSecret);

/// <summary>
/// Exchange.Identity's admin API (users and API clients of the member), called with the signed-in
/// member admin's access token; Identity decides what the caller may see and do.
/// </summary>
public sealed class IdentityAdminApi(HttpClient http)
{
    public Task<ApiResult<List<UserDto>>> UsersAsync(CancellationToken ct) => SendAsync<List<UserDto>>(HttpMethod.Get, "users", null, ct);

    public Task<ApiResult<InvitationDto>> InviteAsync(string email, string displayName, List<string> roles, CancellationToken ct) =>
        SendAsync<InvitationDto>(HttpMethod.Post, "users", new { email, displayName, roles }, ct);

    public Task<ApiResult<InvitationDto>> ResendInvitationAsync(Guid id, CancellationToken ct) =>
        SendAsync<InvitationDto>(HttpMethod.Post, $"users/{id}/invitation", null, ct);

    public Task<ApiResult<UserDto>> ReactivateUserAsync(Guid id, CancellationToken ct) =>
        SendAsync<UserDto>(HttpMethod.Post, $"users/{id}/reactivate", null, ct);

    public Task<ApiResult<UserDto>> ChangeRolesAsync(Guid id, List<string> roles, CancellationToken ct) =>
        SendAsync<UserDto>(HttpMethod.Put, $"users/{id}/roles", new { roles }, ct);

    public Task<ApiResult<List<string>>> GrantableScopesAsync(CancellationToken ct) => SendAsync<List<string>>(HttpMethod.Get, "clients/scopes", null, ct);

    public Task<ApiResult<UserDto>> DeactivateUserAsync(Guid id, CancellationToken ct) =>
        SendAsync<UserDto>(HttpMethod.Post, $"users/{id}/deactivate", null, ct);

    public Task<ApiResult<List<ClientDto>>> ClientsAsync(CancellationToken ct) => SendAsync<List<ClientDto>>(HttpMethod.Get, "clients", null, ct);

    public Task<ApiResult<CreatedClientDto>> CreateClientAsync(string displayName, List<string> scopes, CancellationToken ct) =>
        SendAsync<CreatedClientDto>(HttpMethod.Post, "clients", new { displayName, scopes }, ct);

    /// <summary>Identity keeps the old secret working for its configured overlap (Exchange:Identity:ClientSecretOverlap).</summary>
    public Task<ApiResult<CreatedClientDto>> RotateSecretAsync(string clientId, CancellationToken ct) =>
        SendAsync<CreatedClientDto>(HttpMethod.Post, $"clients/{Uri.EscapeDataString(clientId)}/secret", new { }, ct);

    public Task<ApiResult<ClientDto>> DeactivateClientAsync(string clientId, CancellationToken ct) =>
        SendAsync<ClientDto>(HttpMethod.Post, $"clients/{Uri.EscapeDataString(clientId)}/deactivate", null, ct);

    private async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: ApiJson.Options);
        }

        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            return new ApiResult<T>(default, (int)response.StatusCode, ApiProblem.FromBody(response.StatusCode, text));
        }

        return new ApiResult<T>(string.IsNullOrWhiteSpace(text) ? default : JsonSerializer.Deserialize<T>(text, ApiJson.Options), (int)response.StatusCode, null);
    }
}

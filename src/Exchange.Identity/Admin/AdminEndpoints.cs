using System.Security.Claims;
using System.Text.Json;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Core.Members;
using Exchange.Core.Mail;
using Exchange.Identity.Account;
using Exchange.Identity.Configuration;
using Exchange.Identity.Server;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Exchange.Identity.Admin;

public sealed record UserDto(Guid Id, string Email, string DisplayName, string MemberId, IReadOnlyList<string> Roles, bool IsActive, bool LockedOut, DateTime CreatedAt);
/// <param name="InvitationMailed">Whether the invitation went to the user's address (mail is configured).</param>
/// <param name="InvitationUrl">Only when mail is off: the single-use link to pass on to the user, shown once.</param>
public sealed record InvitationDto(UserDto User, bool InvitationMailed, string? InvitationUrl, DateTime InvitationExpiresAt);
public sealed record CreateUserRequest(string? Email, string? DisplayName, string? MemberId, List<string>? Roles);
public sealed record ChangeRolesRequest(List<string>? Roles);

/// <param name="Authentication"><c>client_secret</c> (Basic or form) or <c>private_key_jwt</c>: one kind of credential at a time.</param>
/// <param name="KeyIds">The <c>kid</c>s of the registered public keys, for <c>private_key_jwt</c>.</param>
public sealed record ClientDto(
    string ClientId, string DisplayName, string MemberId, IReadOnlyList<string> Scopes, IReadOnlyList<string> Roles, bool IsActive, DateTime CreatedAt,
    DateTime? PreviousSecretExpiresAt, string Authentication, IReadOnlyList<string> KeyIds);
public sealed record CreatedClientDto(ClientDto Client, string ClientSecret);
public sealed record CreateClientRequest(string? ClientId, string? DisplayName, string? MemberId, List<string>? Scopes, List<string>? Roles);
/// <param name="KeepPreviousForHours">How long the old secret keeps working (0 to 168); without it, Exchange:Identity:ClientSecretOverlap (24 hours unless configured).</param>
public sealed record RotateSecretRequest(int? KeepPreviousForHours);

/// <summary>
/// The admin API on Identity (/api/v1): a member admin manages the users and API clients of their
/// own member, an operator those of every member. Anything of another member is 404. Secrets are
/// shown once in the response that creates them; only hashes are kept. Users are invited by e-mail
/// and set their own password from the single-use link (PasswordEndpoints); no one else ever knows it.
/// </summary>
public static class AdminEndpoints
{
    public const string Policy = "identity-admin";

    /// <summary>Roles a member admin may hand out; operator staff roles only an operator may.</summary>
    private static readonly string[] MemberRoles = [Roles.Engineer, Roles.MemberAdmin, Roles.PrivacyOfficer];

    public static void AddAdminPolicy(Microsoft.AspNetCore.Authorization.AuthorizationOptions options) =>
        options.AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(BearerAuthentication.Scheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(c => Caller.From(c.User) is not null));

    public static RouteGroupBuilder MapAdminEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Identity admin").RequireAuthorization(Policy).DisableAntiforgery();
        group.AddEndpointFilter(async (context, next) =>
        {
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            return await next(context);
        });
        group.MapGet("/users", ListUsersAsync);
        group.MapPost("/users", CreateUserAsync);
        group.MapPost("/users/{id:guid}/deactivate", DeactivateUserAsync);
        group.MapPost("/users/{id:guid}/reactivate", ReactivateUserAsync);
        group.MapPut("/users/{id:guid}/roles", ChangeRolesAsync);
        group.MapPost("/users/{id:guid}/invitation", ResendInvitationAsync);
        group.MapGet("/clients", ListClientsAsync);
        group.MapGet("/clients/scopes", GrantableScopes);
        group.MapPost("/clients", CreateClientAsync);
        group.MapPost("/clients/{clientId}/deactivate", DeactivateClientAsync);
        group.MapPost("/clients/{clientId}/secret", RotateSecretAsync);
        group.MapPut("/clients/{clientId}/keys", RegisterKeysAsync);
        return group;
    }

    /// <summary>Who is calling: an operator (every member) or a member admin (one member), from the token only.</summary>
    private sealed record Caller(string MemberId, bool IsOperator)
    {
        public static Caller? From(ClaimsPrincipal user)
        {
            var scopes = BearerAuthentication.Scopes(user);
            var member = user.FindFirstValue("member_id");
            if (member == null)
            {
                return null;
            }

            if (user.IsInRole(Roles.Operator) && scopes.Contains(Scopes.Operator))
            {
                return new Caller(member, IsOperator: true);
            }

            return user.IsInRole(Roles.MemberAdmin) && scopes.Contains(Scopes.MemberAdmin) ? new Caller(member, IsOperator: false) : null;
        }

        public bool Sees(string memberId) => IsOperator || memberId == MemberId;
    }

    private static Caller Of(HttpContext context) => Caller.From(context.User)!;

    public static async Task<Ok<List<UserDto>>> ListUsersAsync(HttpContext context, ExchangeDbContext db, string? memberId)
    {
        var caller = Of(context);
        var member = caller.IsOperator ? memberId : caller.MemberId;
        var users = await db.Users.AsNoTracking()
            .Where(u => member == null || u.MemberId == member)
            .OrderBy(u => u.MemberId).ThenBy(u => u.NormalizedEmail)
            .ToListAsync(context.RequestAborted);
        var roles = await RolesByUserAsync(db, users.Select(u => u.Id).ToList(), context.RequestAborted);
        var now = DateTimeOffset.UtcNow;
        return TypedResults.Ok(users.Select(u => ToDto(u, roles.GetValueOrDefault(u.Id, []), now)).ToList());
    }

    public static async Task<Results<Created<InvitationDto>, ValidationProblem>> CreateUserAsync(
        HttpContext context, CreateUserRequest request, ExchangeDbContext db, UserManager<ExchangeUser> users, AccountMailer mailer,
        IOptions<IdentityServerOptions> options, TimeProvider clock, ILogger<CreateUserRequest> logger)
    {
        var caller = Of(context);
        var errors = new Dictionary<string, string[]>();
        var memberId = request.MemberId ?? caller.MemberId;
        var roles = (request.Roles ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (string.IsNullOrWhiteSpace(request.Email) || request.Email.Length > 256 || !request.Email.Contains('@', StringComparison.Ordinal))
        {
            errors["email"] = ["A valid email address is required."];
        }

        if (string.IsNullOrWhiteSpace(request.DisplayName) || request.DisplayName.Length > 200)
        {
            errors["displayName"] = ["A display name of at most 200 characters is required."];
        }

        if (!caller.Sees(memberId) || !await db.Members.AnyAsync(m => m.Id == memberId, context.RequestAborted) && memberId != Member.OperatorId)
        {
            errors["memberId"] = ["Unknown member."];
        }

        if (roles.Count == 0 || roles.Any(r => !(caller.IsOperator ? Roles.All : MemberRoles).Contains(r)))
        {
            errors["roles"] = ["One or more roles are required, from those you may grant."];
        }

        if (errors.Count == 0 && await users.FindByEmailAsync(request.Email!) != null)
        {
            errors["email"] = ["A user with this email address exists."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // No password: the user sets one from the invitation's single-use link, so no one else ever knows it.
        var user = new ExchangeUser
        {
            Id = Guid.CreateVersion7(),
            UserName = request.Email!.Trim(),
            Email = request.Email.Trim(),
            EmailConfirmed = true,
            DisplayName = request.DisplayName!.Trim(),
            MemberId = memberId,
            LockoutEnabled = true,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        var created = await users.CreateAsync(user);
        if (created.Succeeded)
        {
            created = await users.AddToRolesAsync(user, roles);
        }

        if (!created.Succeeded)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["user"] = created.Errors.Select(e => e.Description).ToArray() });
        }

        logger.LogInformation("User {UserId} created for member {MemberId} by {Caller}", user.Id, memberId, context.User.FindFirstValue("sub"));
        return TypedResults.Created($"/api/v1/users/{user.Id}", await InviteAsync(context, user, roles, db, users, mailer, options.Value, clock));
    }

    /// <summary>Mails the invitation, or, with mail off, hands the link to the admin to pass on (shown once).</summary>
    private static async Task<InvitationDto> InviteAsync(
        HttpContext context, ExchangeUser user, List<string> roles, ExchangeDbContext db, UserManager<ExchangeUser> users, AccountMailer mailer,
        IdentityServerOptions options, TimeProvider clock)
    {
        var link = await PasswordEndpoints.LinkAsync(users, user, PasswordEndpoints.Invitation, options, context.Request);
        var memberName = await db.Members.Where(m => m.Id == user.MemberId).Select(m => m.LegalName).SingleOrDefaultAsync(context.RequestAborted)
            ?? "The exchange's operator";
        var mailed = mailer.Enabled && mailer.Enqueue(user.Id, "invitation", user.Email!, user.DisplayName,
            AccountMail.Invitation(user.DisplayName, memberName, link, options.InvitationLifetime));
        var expires = clock.GetUtcNow().UtcDateTime + options.InvitationLifetime;
        return new InvitationDto(ToDto(user, roles, clock.GetUtcNow()), mailed, mailed ? null : link.ToString(), expires);
    }

    /// <summary>A new invitation link (the user lost the mail, or it expired); every earlier link stops working.</summary>
    public static async Task<Results<Ok<InvitationDto>, NotFound, ProblemHttpResult>> ResendInvitationAsync(
        HttpContext context, Guid id, ExchangeDbContext db, UserManager<ExchangeUser> users, AccountMailer mailer,
        IOptions<IdentityServerOptions> options, TimeProvider clock, ILogger<CreateUserRequest> logger)
    {
        var user = await FindUserAsync(context, id, users);
        if (user == null)
        {
            return TypedResults.NotFound();
        }

        if (!user.IsActive)
        {
            return Refusal(StatusCodes.Status409Conflict, "user_inactive", "The user is deactivated. Reactivate them first.");
        }

        // A new stamp voids the links sent before, so only the newest invitation works.
        await users.UpdateSecurityStampAsync(user);
        var roles = await RolesByUserAsync(db, [user.Id], context.RequestAborted);
        logger.LogInformation("Invitation of user {UserId} sent again by {Caller}", user.Id, context.User.FindFirstValue("sub"));
        return TypedResults.Ok(await InviteAsync(context, user, roles.GetValueOrDefault(user.Id, []), db, users, mailer, options.Value, clock));
    }

    public static async Task<Results<Ok<UserDto>, NotFound, ProblemHttpResult>> DeactivateUserAsync(
        HttpContext context, Guid id, UserManager<ExchangeUser> users, OpenIddict.Abstractions.IOpenIddictAuthorizationManager authorizations, ExchangeDbContext db,
        ILogger<CreateUserRequest> logger)
    {
        var user = await FindUserAsync(context, id, users);
        if (user == null)
        {
            return TypedResults.NotFound();
        }

        if (IsCaller(context, user))
        {
            // Refused here, not only hidden in a page: an admin who deactivates themselves may leave the member with no admin.
            return Refusal(StatusCodes.Status409Conflict, "self_deactivation", "You cannot deactivate your own account. Ask another admin of your organisation.");
        }

        user.IsActive = false;
        await users.UpdateAsync(user);
        // A new stamp ends sessions; revoking ends refresh tokens. Access tokens run out within minutes.
        await users.UpdateSecurityStampAsync(user);
        await authorizations.RevokeBySubjectAsync(user.Id.ToString(), context.RequestAborted);
        logger.LogInformation("User {UserId} deactivated by {Caller}", user.Id, context.User.FindFirstValue("sub"));
        var roles = await RolesByUserAsync(db, [user.Id], context.RequestAborted);
        return TypedResults.Ok(ToDto(user, roles.GetValueOrDefault(user.Id, []), DateTimeOffset.UtcNow));
    }

    /// <summary>Lets a deactivated user sign in again, with the password they had (or the invitation they have yet to use).</summary>
    public static async Task<Results<Ok<UserDto>, NotFound>> ReactivateUserAsync(
        HttpContext context, Guid id, UserManager<ExchangeUser> users, ExchangeDbContext db, ILogger<CreateUserRequest> logger)
    {
        var user = await FindUserAsync(context, id, users);
        if (user == null)
        {
            return TypedResults.NotFound();
        }

        if (!user.IsActive)
        {
            user.IsActive = true;
            await users.UpdateAsync(user);
            logger.LogInformation("User {UserId} reactivated by {Caller}", user.Id, context.User.FindFirstValue("sub"));
        }

        var roles = await RolesByUserAsync(db, [user.Id], context.RequestAborted);
        return TypedResults.Ok(ToDto(user, roles.GetValueOrDefault(user.Id, []), DateTimeOffset.UtcNow));
    }

    /// <summary>Replaces the user's roles. Tokens already issued keep their scopes until they expire; refresh tokens end, so the next ones carry the new roles.</summary>
    public static async Task<Results<Ok<UserDto>, NotFound, ValidationProblem, ProblemHttpResult>> ChangeRolesAsync(
        HttpContext context, Guid id, ChangeRolesRequest request, UserManager<ExchangeUser> users, ExchangeDbContext db,
        OpenIddict.Abstractions.IOpenIddictAuthorizationManager authorizations, ILogger<CreateUserRequest> logger)
    {
        var caller = Of(context);
        var user = await FindUserAsync(context, id, users);
        if (user == null)
        {
            return TypedResults.NotFound();
        }

        var roles = (request.Roles ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (roles.Count == 0 || roles.Any(r => !(caller.IsOperator ? Roles.All : MemberRoles).Contains(r)))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["roles"] = ["One or more roles are required, from those you may grant."] });
        }

        var current = await users.GetRolesAsync(user);
        var adminRole = caller.IsOperator ? Roles.Operator : Roles.MemberAdmin;
        if (IsCaller(context, user) && current.Contains(adminRole) && !roles.Contains(adminRole))
        {
            return Refusal(StatusCodes.Status409Conflict, "self_demotion", "You cannot take away your own admin role. Ask another admin of your organisation.");
        }

        var removed = await users.RemoveFromRolesAsync(user, current.Except(roles, StringComparer.Ordinal));
        var added = removed.Succeeded ? await users.AddToRolesAsync(user, roles.Except(current, StringComparer.Ordinal)) : removed;
        if (!added.Succeeded)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["roles"] = added.Errors.Select(e => e.Description).ToArray() });
        }

        // A narrower role must not live on in a refresh token: the user's apps sign in again and get the new roles.
        await authorizations.RevokeBySubjectAsync(user.Id.ToString(), context.RequestAborted);
        logger.LogInformation("Roles of user {UserId} set to {Roles} by {Caller}", user.Id, string.Join(',', roles), context.User.FindFirstValue("sub"));
        return TypedResults.Ok(ToDto(user, roles.Order(StringComparer.Ordinal).ToList(), DateTimeOffset.UtcNow));
    }

    private static async Task<ExchangeUser?> FindUserAsync(HttpContext context, Guid id, UserManager<ExchangeUser> users)
    {
        var user = await users.FindByIdAsync(id.ToString());
        return user != null && Of(context).Sees(user.MemberId) ? user : null;
    }

    private static bool IsCaller(HttpContext context, ExchangeUser user) =>
        string.Equals(context.User.FindFirstValue("sub"), user.Id.ToString(), StringComparison.OrdinalIgnoreCase);

    /// <summary>A refusal with a stable code, shaped like the API's problems (type, title, status, detail, code).</summary>
    private static ProblemHttpResult Refusal(int status, string code, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: "The request was refused.", type: $"https://exchange.example/problems/{code}",
            extensions: new Dictionary<string, object?> { ["code"] = code });

    /// <summary>The API scopes the caller may give a client, in the order the API lists them.</summary>
    public static Ok<List<string>> GrantableScopes(HttpContext context)
    {
        var permitted = Scopes.ForRoles(Of(context).IsOperator ? Roles.All : MemberRoles);
        return TypedResults.Ok(Scopes.Api.Where(permitted.Contains).ToList());
    }

    public static async Task<Ok<List<ClientDto>>> ListClientsAsync(HttpContext context, ExchangeDbContext db, string? memberId)
    {
        var caller = Of(context);
        var member = caller.IsOperator ? memberId : caller.MemberId;
        var clients = await db.OAuthClients.AsNoTracking()
            .Where(c => member == null || c.MemberId == member)
            .OrderBy(c => c.ClientId)
            .ToListAsync(context.RequestAborted);
        return TypedResults.Ok(clients.Select(ToDto).ToList());
    }

    public static async Task<Results<Created<CreatedClientDto>, ValidationProblem>> CreateClientAsync(
        HttpContext context, CreateClientRequest request, ExchangeDbContext db, TimeProvider clock, ILogger<CreateClientRequest> logger)
    {
        var caller = Of(context);
        var errors = new Dictionary<string, string[]>();
        var memberId = request.MemberId ?? caller.MemberId;
        var roles = (request.Roles is { Count: > 0 } r ? r : RolesFor(request.Scopes, caller)).Distinct(StringComparer.Ordinal).ToList();
        var permitted = Scopes.ForRoles(roles);
        var scopes = (request.Scopes is { Count: > 0 } s ? s : permitted.Where(x => x != Scopes.Operator).ToList()).Distinct(StringComparer.Ordinal).ToList();
        var clientId = string.IsNullOrWhiteSpace(request.ClientId) ? $"{memberId}-{SecretHasher.NewSecret()[..8].ToLowerInvariant()}" : request.ClientId.Trim();
        if (clientId.Length > 100 || !clientId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            errors["clientId"] = ["A client id is at most 100 letters, digits, '-', '_' or '.'."];
        }

        if (string.IsNullOrWhiteSpace(request.DisplayName) || request.DisplayName.Length > 200)
        {
            errors["displayName"] = ["A display name of at most 200 characters is required."];
        }

        if (!caller.Sees(memberId) || memberId == Member.OperatorId || !await db.Members.AnyAsync(m => m.Id == memberId, context.RequestAborted))
        {
            errors["memberId"] = ["Unknown member."];
        }

        if (roles.Any(x => !(caller.IsOperator ? Roles.All : MemberRoles).Contains(x)))
        {
            errors["roles"] = ["Roles must be from those you may grant."];
        }

        if (scopes.Any(x => !permitted.Contains(x)))
        {
            errors["scopes"] = ["Scopes must be API scopes the client's roles permit."];
        }

        if (errors.Count == 0 && await db.OAuthClients.AnyAsync(c => c.ClientId == clientId, context.RequestAborted))
        {
            errors["clientId"] = ["A client with this id exists."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var secret = SecretHasher.NewSecret();
        var client = new OAuthClient
        {
            ClientId = clientId,
            DisplayName = request.DisplayName!.Trim(),
            MemberId = memberId,
            Type = ClientType.Confidential,
            SecretHash = SecretHasher.Hash(secret),
            AllowedGrantTypes = [GrantTypes.ClientCredentials],
            AllowedScopes = scopes,
            Roles = roles,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.OAuthClients.Add(client);
        await db.SaveChangesAsync(context.RequestAborted);
        logger.LogInformation("Client {ClientId} created for member {MemberId} by {Caller}", clientId, memberId, context.User.FindFirstValue("sub"));
        return TypedResults.Created($"/api/v1/clients/{clientId}", new CreatedClientDto(ToDto(client), secret));
    }

    public static async Task<Results<Ok<ClientDto>, NotFound>> DeactivateClientAsync(HttpContext context, string clientId, ExchangeDbContext db)
    {
        var client = await FindClientAsync(context, clientId, db);
        if (client == null)
        {
            return TypedResults.NotFound();
        }

        client.IsActive = false;
        await db.SaveChangesAsync(context.RequestAborted);
        return TypedResults.Ok(ToDto(client));
    }

    public static async Task<Results<Ok<CreatedClientDto>, NotFound, ValidationProblem>> RotateSecretAsync(
        HttpContext context, string clientId, ExchangeDbContext db, TimeProvider clock, IOptions<IdentityServerOptions> options, ILogger<RotateSecretRequest> logger,
        RotateSecretRequest? request = null)
    {
        var client = await FindClientAsync(context, clientId, db);
        if (client == null)
        {
            return TypedResults.NotFound();
        }

        var keep = request?.KeepPreviousForHours is { } hours ? TimeSpan.FromHours(hours) : options.Value.ClientSecretOverlap;
        if (keep < TimeSpan.Zero || keep > TimeSpan.FromHours(168))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["keepPreviousForHours"] = ["Between 0 and 168 hours."] });
        }

        var secret = SecretHasher.NewSecret();
        // With an overlap the old secret keeps working for a while, so the member's system can switch without downtime.
        // A client that used keys goes back to a secret: one kind of credential at a time.
        client.JsonWebKeySet = null;
        var overlap = keep > TimeSpan.Zero && client.SecretHash != null;
        client.PreviousSecretHash = overlap ? client.SecretHash : null;
        client.PreviousSecretExpiresAt = overlap ? clock.GetUtcNow().UtcDateTime + keep : null;
        client.SecretHash = SecretHasher.Hash(secret);
        await db.SaveChangesAsync(context.RequestAborted);
        logger.LogInformation("Secret of client {ClientId} rotated by {Caller}", client.ClientId, context.User.FindFirstValue("sub"));
        return TypedResults.Ok(new CreatedClientDto(ToDto(client), secret));
    }

    /// <summary>
    /// Registers the public keys the client signs <c>private_key_jwt</c> assertions with (RFC 7523), in
    /// place of its secret, which stops working at once. Sending the whole set again with a new key
    /// beside the old one rolls keys without downtime; rotating the secret goes back to a secret.
    /// </summary>
    public static async Task<Results<Ok<ClientDto>, NotFound, ValidationProblem>> RegisterKeysAsync(
        HttpContext context, string clientId, JsonElement keySet, ExchangeDbContext db, ILogger<RotateSecretRequest> logger)
    {
        var client = await FindClientAsync(context, clientId, db);
        // Public clients (the portal's kind) have no credential to replace.
        if (client == null || client.Type == ClientType.Public)
        {
            return TypedResults.NotFound();
        }

        var parsed = ClientKeySet.Parse(keySet);
        if (parsed.Error != null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["keys"] = [parsed.Error] });
        }

        client.JsonWebKeySet = parsed.Json;
        client.SecretHash = null;
        client.PreviousSecretHash = null;
        client.PreviousSecretExpiresAt = null;
        await db.SaveChangesAsync(context.RequestAborted);
        logger.LogInformation("Keys {KeyIds} registered for client {ClientId} by {Caller}", string.Join(',', parsed.KeyIds), client.ClientId, context.User.FindFirstValue("sub"));
        return TypedResults.Ok(ToDto(client));
    }

    /// <summary>
    /// The fewest roles that permit the chosen scopes: for each scope the first role, in the order
    /// engineer, member admin, privacy officer, that permits it. No scopes: an engineer's.
    /// </summary>
    private static List<string> RolesFor(List<string>? scopes, Caller caller)
    {
        if (scopes is not { Count: > 0 })
        {
            return [Roles.Engineer];
        }

        var order = caller.IsOperator ? Roles.All : MemberRoles;
        var roles = scopes.Select(s => order.FirstOrDefault(role => Scopes.ForRoles([role]).Contains(s))).OfType<string>().Distinct().ToList();
        return roles.Count > 0 ? roles : [Roles.Engineer];
    }

    private static async Task<OAuthClient?> FindClientAsync(HttpContext context, string clientId, ExchangeDbContext db)
    {
        var caller = Of(context);
        var client = clientId.Length <= 100 ? await db.OAuthClients.SingleOrDefaultAsync(c => c.ClientId == clientId, context.RequestAborted) : null;
        // The portal and other operator-owned clients are not a member's to change.
        return client != null && caller.Sees(client.MemberId) && (caller.IsOperator || client.MemberId != Member.OperatorId) ? client : null;
    }

    private static async Task<Dictionary<Guid, List<string>>> RolesByUserAsync(ExchangeDbContext db, List<Guid> userIds, CancellationToken cancellationToken)
    {
        var pairs = await (from ur in db.UserRoles
                           join r in db.Roles on ur.RoleId equals r.Id
                           where userIds.Contains(ur.UserId)
                           select new { ur.UserId, r.Name }).ToListAsync(cancellationToken);
        return pairs.GroupBy(p => p.UserId).ToDictionary(g => g.Key, g => g.Select(p => p.Name!).Order(StringComparer.Ordinal).ToList());
    }

    private static UserDto ToDto(ExchangeUser user, List<string> roles, DateTimeOffset now) =>
        new(user.Id, user.Email ?? string.Empty, user.DisplayName, user.MemberId, roles, user.IsActive, user.LockoutEnd > now, user.CreatedAt);

    private static ClientDto ToDto(OAuthClient client) =>
        new(client.ClientId, client.DisplayName, client.MemberId, client.AllowedScopes, client.Roles, client.IsActive, client.CreatedAt, client.PreviousSecretExpiresAt,
            client.JsonWebKeySet == null ? ClientAuthentication.Secret : ClientAuthentication.PrivateKeyJwt, ClientKeySet.KeyIds(client.JsonWebKeySet));

    private static class ClientAuthentication
    {
        public const string Secret = "client_secret";
        public const string PrivateKeyJwt = "private_key_jwt";
    }
}

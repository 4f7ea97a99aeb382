namespace Exchange.Identity;

public static class IdentityExtensions
{
    /// <summary>The portal's client secret, which Identity registers the portal client with.</summary>
    public static readonly string[] SecretSettings = ["Exchange:Identity:PortalClientSecret"];

    public static WebApplicationBuilder AddIdentityServices(this WebApplicationBuilder builder)
    {
        return builder;
    }

    public static WebApplication MapIdentity(this WebApplication app)
    {
        return app;
    }
}

namespace Exchange.Portal;

public static class PortalExtensions
{
    public static readonly string[] SecretSettings = ["Exchange:Portal:ClientSecret"];

    public static WebApplicationBuilder AddPortalServices(this WebApplicationBuilder builder)
    {
        return builder;
    }

    public static WebApplication MapPortal(this WebApplication app)
    {
        return app;
    }
}

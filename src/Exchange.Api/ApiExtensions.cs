namespace Exchange.Api;

public static class ApiExtensions
{
    public static WebApplicationBuilder AddApiServices(this WebApplicationBuilder builder)
    {
        return builder;
    }

    public static WebApplication MapApi(this WebApplication app)
    {
        return app;
    }
}

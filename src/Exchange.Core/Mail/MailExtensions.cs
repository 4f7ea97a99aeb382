using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Core.Mail;

public static class MailExtensions
{
    /// <summary>The SMTP settings, checked at start, and the sender that uses them.</summary>
    public static IServiceCollection AddExchangeMail(this IServiceCollection services)
    {
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MailSender>();
        return services;
    }
}

using Exchange.Api.Auth;
using Exchange.Api.Features.Agreements;
using Exchange.Api.Features.Audit;
using Exchange.Api.Features.Authorisations;
using Exchange.Api.Features.Cases;
using Exchange.Api.Features.Catalogue;
using Exchange.Api.Features.Jobs;
using Exchange.Api.Features.Members;
using Exchange.Api.Features.Operator;
using Exchange.Api.Features.Privacy;
using Exchange.Api.Features.Webhooks;
using Exchange.Api.Http;
using FluentValidation;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.OpenApi;

namespace Exchange.Api;

public static class ApiExtensions
{
    public static WebApplicationBuilder AddApiServices(this WebApplicationBuilder builder)
    {
        Exchange.Core.Hosting.ExchangeHost.UsesCaseContent(builder);
        var services = builder.Services;
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.Configure<JsonOptions>(o => ApiJson.Configure(o.SerializerOptions));
        // Unreadable bodies throw, so the exception handler can answer them as problem details naming the JSON path.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.Configure<Microsoft.AspNetCore.Http.ProblemDetailsOptions>(o => o.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            problem.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
            // Answers the framework writes by status alone (status-code pages) get a code and a detail too.
            if (!problem.Extensions.ContainsKey("code") && problem.Status is { } status && Problems.ForBareStatus(status) is { } bare)
            {
                problem.Extensions["code"] = bare.Code;
                problem.Detail ??= bare.Detail;
                problem.Type = Problems.TypeBase + bare.Code;
            }
        });

        services.AddSingleton<Exchange.Core.Webhooks.WebhookSecret>();
        // Read only: the jobs view reads the recurring schedule the Jobs service keeps there.
        services.AddSingleton<Features.Jobs.JobSchedules>();
        services.AddScoped<Exchange.Core.Cases.CasePurger>();
        services.AddApiAuthentication();
        services.AddRequestLimits();

        // A rule stops at its first failure, so later checks never see a null the earlier one reported.
        ValidatorOptions.Global.DefaultRuleLevelCascadeMode = CascadeMode.Stop;
        // Errors name the JSON property the client sent (camelCase), not the C# one.
        ValidatorOptions.Global.PropertyNameResolver = (_, member, expression) =>
        {
            var path = expression is not null ? FluentValidation.Internal.PropertyChain.FromExpression(expression).ToString() : member?.Name;
            return path is null ? null : string.Join('.', path.Split('.').Select(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName));
        };
        // Every validator in this assembly; they hold no state, so one instance serves every request.
        services.AddValidatorsFromAssemblyContaining<CreateCaseRequestValidator>(ServiceLifetime.Singleton);

        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Exchange API",
                Version = "v1",
                Description = "Collaboration requests between members, under the exchange's agreement, authorisation, transfer and minimisation rules. "
                    + "Errors are RFC 9457 problems with a stable `code` (docs/problems.md); webhooks are signed as described in docs/webhooks.md.",
                License = new OpenApiLicense { Name = "Proprietary: for members of the exchange" , Url = new Uri("https://exchange.example/terms") },
            });
            Exchange.Api.OpenApi.ApiContract.Configure(o, builder.Configuration["Exchange:Auth:Authority"] ?? "http://127.0.0.1:5001");
        });
        return builder;
    }

    public static WebApplication MapApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestBodyLimit();

        // The API description is public; Swagger UI needs scripts and styles from its own origin.
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/swagger"), branch => branch.Use((context, next) =>
        {
            context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'";
            return next(context);
        }));
        app.UseSwagger(o => o.PreSerializeFilters.Add(Exchange.Api.OpenApi.ApiContract.SetServers));
        app.UseSwaggerUI();

        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), branch => branch.UseNoStore());

        var api = app.MapGroup("").WithDatabaseRetry();
        api.MapMembersEndpoints();
        api.MapAgreementsEndpoints();
        api.MapCoverageEndpoints();
        api.MapAuthorisationsEndpoints();
        api.MapAuthorisationCasesEndpoints();
        api.MapCasesEndpoints();
        api.MapAuditEndpoints();
        api.MapFieldCatalogueEndpoints();
        api.MapWebhooksEndpoints();
        api.MapJobsEndpoints();
        api.MapCaseMetadataEndpoints();
        api.MapDataSubjectRequestsEndpoints();
        api.MapRecordsOfProcessingEndpoints();
        api.MapBreachAssessmentsEndpoints();
        return app;
    }
}

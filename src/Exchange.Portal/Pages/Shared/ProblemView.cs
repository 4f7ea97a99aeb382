using Exchange.Portal.Api;

namespace Exchange.Portal.Pages.Shared;

public sealed record ProblemView(ApiProblem? Problem, string? Receiver = null, string? Heading = null);

namespace Exchange.Identity;

/// <summary>Names this service's assembly for tests that host it in process (WebApplicationFactory).</summary>
public sealed class IdentityHost;

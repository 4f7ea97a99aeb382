namespace Exchange.Core.Cases;

public enum DataCategory
{
    /// <summary>Product, version, logs, error codes.</summary>
    Technical,
    /// <summary>The customer company.</summary>
    Organisation,
    /// <summary>A person's name, e-mail, phone.</summary>
    Contact,
    /// <summary>Health, biometrics, beliefs, criminal records: never shared through the exchange.</summary>
    Special,
}

public sealed record CatalogueField(string Name, DataCategory Category, bool FreeText, int MaxLength, string Description);

/// <summary>Every field a case can carry, each with its data category.</summary>
public static class FieldCatalogue
{
    public const string Summary = "summary";
    public const string Description = "description";
    public const string Product = "product";
    public const string ProductVersion = "productVersion";
    public const string ErrorCode = "errorCode";
    public const string LogExcerpt = "logExcerpt";
    public const string CustomerOrganisation = "customerOrganisation";
    public const string CustomerContactName = "customerContactName";
    public const string CustomerContactEmail = "customerContactEmail";
    public const string CustomerContactPhone = "customerContactPhone";
    public const string HealthImpact = "healthImpact";

    public static readonly IReadOnlyList<CatalogueField> All =
    [
        new(Summary, DataCategory.Technical, true, 200, "One-line statement of the problem."),
        new(Description, DataCategory.Technical, true, 8000, "What happens, what was tried, how to reproduce."),
        new(Product, DataCategory.Technical, false, 200, "The product concerned."),
        new(ProductVersion, DataCategory.Technical, false, 100, "The product's version or build."),
        new(ErrorCode, DataCategory.Technical, false, 200, "Error codes or messages shown."),
        new(LogExcerpt, DataCategory.Technical, true, 16000, "A relevant excerpt of logs."),
        new(CustomerOrganisation, DataCategory.Organisation, false, 200, "The shared customer's organisation."),
        new(CustomerContactName, DataCategory.Contact, false, 200, "The customer's contact person."),
        new(CustomerContactEmail, DataCategory.Contact, false, 320, "The contact person's e-mail address."),
        new(CustomerContactPhone, DataCategory.Contact, false, 50, "The contact person's phone number."),
        new(HealthImpact, DataCategory.Special, true, 2000, "Impact on a person's health. Never shared through the exchange."),
    ];

    private static readonly Dictionary<string, CatalogueField> ByName = All.ToDictionary(f => f.Name, StringComparer.Ordinal);

    public static CatalogueField? Find(string name) => ByName.GetValueOrDefault(name);

    public static bool IsKnown(string name) => ByName.ContainsKey(name);
}

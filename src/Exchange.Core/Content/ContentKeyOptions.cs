namespace Exchange.Core.Content;

/// <summary>
/// Where the key-encryption keys of case content live (decision 0006): a directory outside the
/// database, shared by every node of every service. Required in Production; Development uses
/// `data/content-keys` beside the development database.
/// </summary>
public sealed class ContentKeyOptions
{
    public const string Section = "Exchange:ContentKeys";
    public const string DevelopmentDirectory = "data/content-keys";

    /// <summary>The directory of key-encryption key files. Every node must read and write the same one.</summary>
    public string? Directory { get; set; }

    /// <summary>How long a node keeps a key-encryption key it read in memory (a destroyed key leaves memory within this).</summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a rotation waits after making the new key before it re-wraps and destroys: every
    /// node then wraps new data keys with the new one, and a transaction that wrapped with the old
    /// one just before has committed.
    /// </summary>
    public TimeSpan RotationGrace { get; set; } = TimeSpan.FromSeconds(30);
}

namespace Exchange.Core.Content;

/// <summary>
/// A case's data key, wrapped (AES-GCM) by the key-encryption key <see cref="KekId"/>. Deleted
/// with the case in the purge's transaction; without it the case's stored content is noise.
/// </summary>
public sealed class CaseDataKey
{
    public Guid CaseId { get; init; }
    public required string KekId { get; set; }
    public required byte[] WrappedKey { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime RewrappedAt { get; set; }
}

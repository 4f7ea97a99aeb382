using System.Runtime.CompilerServices;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Exchange.Core.Content;

/// <summary>
/// Keeps case content encrypted at the database boundary, so no handler has to remember it:
/// in memory the content properties of <see cref="CollaborationCase"/>, <see cref="CaseField"/>
/// and <see cref="CaseNote"/> are plaintext; in the database they are AES-GCM ciphertext under
/// the case's data key (<see cref="CaseContentProtector"/>), marked by the row's
/// <see cref="VersionProperty"/> (0: plaintext written before decision 0006, converted by the
/// migrate step; 1: sealed).
/// Writing: every added or changed content value is sealed just before it is saved (a row still
/// in plaintext is sealed whole), the case's data key is made on first use, and the plaintext is
/// put back in the entity after the save. Reading: a row is opened as it is materialised if its
/// case's key was unlocked in this context (<see cref="CaseContent.UnlockAsync"/>, called only after
/// need-to-know); otherwise its content properties are null and the entity is marked locked, and
/// saving a change to a locked entity's content is refused rather than overwriting what it did not read.
/// </summary>
public sealed class CaseContentInterceptor : SaveChangesInterceptor, IMaterializationInterceptor
{
    /// <summary>One stateless instance for every context (a new one per host would make EF build a service provider per host).</summary>
    public static readonly CaseContentInterceptor Instance = new();

    private CaseContentInterceptor()
    {
    }

    public const string VersionProperty = "ContentVersion";
    public const int Plaintext = 0;
    public const int Sealed = 1;

    public static readonly string[] CaseProperties =
        [nameof(CollaborationCase.SubmitterCaseReference), nameof(CollaborationCase.ReceiverCaseReference),
         nameof(CollaborationCase.RejectionReason), nameof(CollaborationCase.StepsTaken), nameof(CollaborationCase.Conclusion)];

    private static readonly ConditionalWeakTable<object, object> Locked = new();

    /// <summary>Whether this entity was read without its case's key (its content properties are null, not empty).</summary>
    public static bool IsLocked(object entity) => Locked.TryGetValue(entity, out _);

    // ---- reading ----

    public object InitializedInstance(MaterializationInterceptionData materializationData, object entity)
    {
        if (entity is not (CollaborationCase or CaseField or CaseNote)
            || materializationData.GetPropertyValue<int>(VersionProperty) == Plaintext)
        {
            return entity;
        }

        var keys = (materializationData.Context as ExchangeDbContext)?.ContentKeys;
        var caseId = CaseIdOf(entity);
        if (keys is null || !keys.Keys.TryGetValue(caseId, out var key))
        {
            Lock(entity);
            return entity;
        }

        switch (entity)
        {
            case CollaborationCase c:
                c.SubmitterCaseReference = OpenOrNull(key, c.Id, nameof(c.SubmitterCaseReference), c.SubmitterCaseReference)!;
                c.ReceiverCaseReference = OpenOrNull(key, c.Id, nameof(c.ReceiverCaseReference), c.ReceiverCaseReference);
                c.RejectionReason = OpenOrNull(key, c.Id, nameof(c.RejectionReason), c.RejectionReason);
                c.StepsTaken = OpenOrNull(key, c.Id, nameof(c.StepsTaken), c.StepsTaken);
                c.Conclusion = OpenOrNull(key, c.Id, nameof(c.Conclusion), c.Conclusion);
                break;
            case CaseField f:
                f.Value = OpenOrNull(key, f.CaseId, Purpose(f, nameof(f.Value)), f.Value)!;
                break;
            case CaseNote n:
                n.Body = OpenOrNull(key, n.CaseId, Purpose(n, nameof(n.Body)), n.Body)!;
                n.AuthorName = OpenOrNull(key, n.CaseId, Purpose(n, nameof(n.AuthorName)), n.AuthorName);
                break;
        }

        return entity;
    }

    private static void Lock(object entity)
    {
        switch (entity)
        {
            case CollaborationCase c:
                c.SubmitterCaseReference = null!;
                c.ReceiverCaseReference = null;
                c.RejectionReason = null;
                c.StepsTaken = null;
                c.Conclusion = null;
                break;
            case CaseField f:
                f.Value = null!;
                break;
            case CaseNote n:
                n.Body = null!;
                n.AuthorName = null;
                break;
        }

        Locked.AddOrUpdate(entity, entity);
    }

    private static string? OpenOrNull(byte[] key, Guid caseId, string purpose, string? stored) =>
        stored is null ? null : CaseContentProtector.Open(key, caseId, CasePurpose(purpose), stored);

    // ---- writing ----

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is ExchangeDbContext db)
        {
            var work = Collect(db);
            if (work.Count > 0)
            {
                var missing = MissingKeys(db, work);
                var stored = StoredCases(db, missing) is { Count: > 0 } look ? db.Set<CaseDataKey>().AsNoTracking().Where(k => look.Contains(k.CaseId)).ToList() : [];
                var (kekId, kek) = ProtectorOf(db).Keks.Current();
                var cases = StoredCases(db, work.Select(w => w.CaseId).Distinct());
                var indexed = cases.Count == 0 ? [] : db.CaseBlindIndex.AsNoTracking().Where(e => cases.Contains(e.CaseId) && e.KekId == kekId).Select(e => new { e.CaseId, e.Hash }).ToList();
                Seal(db, work, missing, stored, kekId, kek, indexed.Select(e => (e.CaseId, Convert.ToHexString(e.Hash))).ToHashSet());
            }
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is ExchangeDbContext db)
        {
            var work = Collect(db);
            if (work.Count > 0)
            {
                var missing = MissingKeys(db, work);
                var stored = StoredCases(db, missing) is { Count: > 0 } look ? await db.Set<CaseDataKey>().AsNoTracking().Where(k => look.Contains(k.CaseId)).ToListAsync(cancellationToken) : [];
                if (stored.Count < missing.Count && db.Database.CurrentTransaction is not null)
                {
                    // A new data key is wrapped with the current KEK: a rotation's check that an old KEK is
                    // unreferenced waits for this transaction (ContentKeyRotation.LockResource).
                    await ProviderStatements.LockAsync(db, ContentKeyRotation.LockResource, shared: true, cancellationToken);
                }

                var (kekId, kek) = ProtectorOf(db).Keks.Current();
                var cases = StoredCases(db, work.Select(w => w.CaseId).Distinct());
                var indexed = cases.Count == 0 ? [] : await db.CaseBlindIndex.AsNoTracking().Where(e => cases.Contains(e.CaseId) && e.KekId == kekId).Select(e => new { e.CaseId, e.Hash }).ToListAsync(cancellationToken);
                Seal(db, work, missing, stored, kekId, kek, indexed.Select(e => (e.CaseId, Convert.ToHexString(e.Hash))).ToHashSet());
            }
        }

        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Restore(eventData.Context, saved: true);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Restore(eventData.Context, saved: true);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Restore(eventData.Context, saved: false);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Restore(eventData.Context, saved: false);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => Restore(eventData.Context, saved: false);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Restore(eventData.Context, saved: false);
        return Task.CompletedTask;
    }

    private sealed record Work(EntityEntry Entry, Guid CaseId, string[] Properties);

    private static List<Work> Collect(ExchangeDbContext db)
    {
        db.ChangeTracker.DetectChanges();
        var work = new List<Work>();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified) || entry.Entity is not (CollaborationCase or CaseField or CaseNote))
            {
                continue;
            }

            var all = entry.Entity switch
            {
                CollaborationCase => CaseProperties,
                CaseField => [nameof(CaseField.Value)],
                _ => [nameof(CaseNote.Body), nameof(CaseNote.AuthorName)],
            };
            var changed = entry.State == EntityState.Added ? all : all.Where(p => entry.Property(p).IsModified).ToArray();
            if (changed.Length == 0)
            {
                continue;
            }

            if (IsLocked(entry.Entity))
            {
                throw new InvalidOperationException(
                    $"Content of case {CaseIdOf(entry.Entity)} was read without its key and cannot be changed; unlock the case's content before reading it for a change.");
            }

            // A row still in plaintext is sealed whole: one marker per row says what every column holds.
            if ((int)entry.Property(VersionProperty).CurrentValue! == Plaintext)
            {
                changed = all;
            }

            work.Add(new Work(entry, CaseIdOf(entry.Entity), changed));
        }

        return work;
    }

    /// <summary>
    /// Of these cases, those that may have rows in the database already: a case this context is
    /// inserting has neither a stored data key nor blind index entries, so a submission does not
    /// ask for them (issue 13: two round trips per submission).
    /// </summary>
    private static List<Guid> StoredCases(ExchangeDbContext db, IEnumerable<Guid> cases)
    {
        var inserting = db.ChangeTracker.Entries<CollaborationCase>().Where(e => e.State == EntityState.Added).Select(e => e.Entity.Id).ToHashSet();
        return cases.Where(id => !inserting.Contains(id)).ToList();
    }

    private static List<Guid> MissingKeys(ExchangeDbContext db, List<Work> work) =>
        work.Select(w => w.CaseId).Distinct().Where(id => !db.ContentKeys.Keys.ContainsKey(id)).ToList();

    private static CaseContentProtector ProtectorOf(ExchangeDbContext db) => db.ContentProtector
        ?? throw new InvalidOperationException("Case content cannot be saved by a context without a content protector (AddExchangeDatabase registers it).");

    private static void Seal(ExchangeDbContext db, List<Work> work, List<Guid> missing, List<CaseDataKey> stored,
        string indexKekId, byte[] indexKek, HashSet<(Guid CaseId, string Hash)> indexed)
    {
        var keys = db.ContentKeys;
        var protector = ProtectorOf(db);
        foreach (var id in missing)
        {
            // A key added to this context by an earlier attempt that failed is still to be saved.
            var row = db.ChangeTracker.Entries<CaseDataKey>().Select(e => e.Entity).FirstOrDefault(k => k.CaseId == id)
                ?? stored.FirstOrDefault(k => k.CaseId == id);
            if (row is not null)
            {
                keys.Keys[id] = protector.Unwrap(id, row.KekId, row.WrappedKey);
                continue;
            }

            var dataKey = CaseContentProtector.NewDataKey();
            var (kekId, wrapped) = protector.Wrap(id, dataKey);
            var now = DateTime.UtcNow;
            db.Add(new CaseDataKey { CaseId = id, KekId = kekId, WrappedKey = wrapped, CreatedAt = now, RewrappedAt = now });
            keys.Keys[id] = dataKey;
            keys.Pending.Add(id);
        }

        var terms = new Dictionary<Guid, HashSet<string>>();
        foreach (var (entry, caseId, properties) in work)
        {
            var key = keys.Keys[caseId];
            foreach (var name in properties)
            {
                var property = entry.Property(name);
                if (property.CurrentValue is string plain)
                {
                    keys.Restore.Add((entry, name, plain));
                    property.CurrentValue = CaseContentProtector.Seal(key, caseId, Purpose(entry.Entity, name), plain);
                    (terms.TryGetValue(caseId, out var set) ? set : terms[caseId] = new HashSet<string>(StringComparer.Ordinal))
                        .UnionWith(entry.Entity switch
                        {
                            CaseField field => BlindIndex.FieldTerms(field.Name, plain),
                            CollaborationCase => BlindIndex.ColumnTerms(name, plain),
                            _ => BlindIndex.Terms(plain),
                        });
                }
            }

            entry.Property(VersionProperty).CurrentValue = Sealed;
        }

        // The blind index gains the identifiers of what was written; a rotation recomputes it whole.
        foreach (var tracked in db.ChangeTracker.Entries<CaseBlindIndexEntry>().Where(e => e.State == EntityState.Added && e.Entity.KekId == indexKekId))
        {
            indexed.Add((tracked.Entity.CaseId, Convert.ToHexString(tracked.Entity.Hash)));
        }

        foreach (var (caseId, caseTerms) in terms)
        {
            foreach (var entry in BlindIndex.EntriesFor(caseId, indexKekId, indexKek, caseTerms))
            {
                if (indexed.Add((caseId, Convert.ToHexString(entry.Hash))))
                {
                    db.Add(entry);
                }
            }
        }
    }

    private static void Restore(DbContext? context, bool saved)
    {
        if (context is not ExchangeDbContext db)
        {
            return;
        }

        var keys = db.ContentKeys;
        foreach (var (entry, name, plain) in keys.Restore)
        {
            var property = entry.Property(name);
            if (saved)
            {
                property.OriginalValue = plain;
                property.CurrentValue = plain;
                property.IsModified = false;
            }
            else
            {
                property.CurrentValue = plain;
            }
        }

        keys.Restore.Clear();
        if (!saved)
        {
            // A key made for a save that failed may never be stored; the next save looks again.
            foreach (var id in keys.Pending)
            {
                keys.Keys.Remove(id);
            }
        }

        keys.Pending.Clear();
    }

    private static Guid CaseIdOf(object entity) => entity switch
    {
        CollaborationCase c => c.Id,
        CaseField f => f.CaseId,
        CaseNote n => n.CaseId,
        _ => throw new ArgumentException("Not case content.", nameof(entity)),
    };

    /// <summary>What a value is bound to besides its case: the column, and for fields and notes which one.</summary>
    private static string Purpose(object entity, string property) => entity switch
    {
        CaseField f => $"case_fields.{property}/{f.Name}",
        CaseNote n => $"case_notes.{property}/{n.Id:N}",
        _ => CasePurpose(property),
    };

    /// <summary>What a field's value is bound to, for a reader that projects the stored column itself.</summary>
    public static string FieldPurpose(string fieldName) => $"case_fields.{nameof(CaseField.Value)}/{fieldName}";

    public static string CasePurpose(string property) => property.Contains('/', StringComparison.Ordinal) || property.StartsWith("case_", StringComparison.Ordinal)
        ? property
        : "cases." + property;
}

/// <summary>The data keys one context has unlocked or made, and the plaintext to put back after a save.</summary>
public sealed class CaseContentKeys
{
    internal Dictionary<Guid, byte[]> Keys { get; } = [];
    internal HashSet<Guid> Pending { get; } = [];
    internal List<(EntityEntry Entry, string Property, string Plain)> Restore { get; } = [];

    /// <summary>Drops a purged case's data key from memory.</summary>
    internal void Forget(Guid caseId)
    {
        if (Keys.Remove(caseId, out var key))
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
        }
    }
}

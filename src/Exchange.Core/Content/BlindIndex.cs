using System.Security.Cryptography;
using System.Text;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Core.Content;

/// <summary>
/// One entry of a case's blind index: the keyed hash (HMAC-SHA256) of a normalised e-mail
/// address or phone number found in the case's content, under the key derived from the
/// key-encryption key <see cref="KekId"/>. Lets a data-subject search find the cases that hold
/// an identifier without the database holding the identifier; recomputed under the new key at
/// each rotation, so an entry that lingers after a purge matches nothing once its key is gone.
/// </summary>
public sealed class CaseBlindIndexEntry
{
    public Guid CaseId { get; init; }
    public required string KekId { get; init; }
    public required byte[] Hash { get; init; }
}

/// <summary>The blind index's normalisation, hashing and lookup (decision 0006).</summary>
public static class BlindIndex
{
    private static readonly byte[] Info = Encoding.UTF8.GetBytes("exchange/blind-index/v1");

    /// <summary>The normalised e-mail addresses and phone numbers in a text, as `email:...` and `phone:+...` terms.</summary>
    public static IEnumerable<string> Terms(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            yield break;
        }

        foreach (var match in PersonalDataScanner.Scan(text).Matches)
        {
            var value = text.Substring(match.Start, match.Length);
            var term = match.Kind switch
            {
                PersonalDataKind.Email => NormaliseEmail(value),
                PersonalDataKind.Phone => NormalisePhone(value),
                _ => null,
            };
            if (term is not null)
            {
                yield return term;
            }
        }
    }

    /// <summary>
    /// The terms of one case field's value: those of its text, and for the contact e-mail and phone
    /// fields the whole value normalised, since a number written with mixed separators
    /// (`0044 (20) 7946-0958`) is not one the free-text scanner takes for a phone but is the contact's number.
    /// </summary>
    public static IEnumerable<string> FieldTerms(string fieldName, string? value)
    {
        var terms = Terms(value);
        var whole = value is null ? null : fieldName switch
        {
            FieldCatalogue.CustomerContactPhone => NormalisePhone(value),
            FieldCatalogue.CustomerContactEmail => NormaliseEmail(value),
            _ => null,
        };
        return whole is null ? terms : terms.Append(whole).Distinct(StringComparer.Ordinal);
    }

    /// <summary>The term an identifier a person gave is looked up by: an e-mail address if it has an @, else a phone number.</summary>
    public static string? TermFor(string identifier) =>
        identifier.Contains('@', StringComparison.Ordinal) ? NormaliseEmail(identifier) : NormalisePhone(identifier);

    public static string? NormaliseEmail(string value)
    {
        var trimmed = value.Trim().ToLowerInvariant();
        return trimmed.Length is > 2 and <= 320 && trimmed.Contains('@', StringComparison.Ordinal) ? "email:" + trimmed : null;
    }

    /// <summary>Digits only, with the international prefix as `+` (`00` read as `+`): `+44 (20) 7946-0958` and `0044 20 79460958` are one number.</summary>
    public static string? NormalisePhone(string value)
    {
        var trimmed = value.Trim();
        var international = trimmed.StartsWith('+');
        var digits = new string(trimmed.Where(char.IsAsciiDigit).ToArray());
        if (!international && digits.StartsWith("00", StringComparison.Ordinal))
        {
            international = true;
            digits = digits[2..];
        }

        return digits.Length is >= 6 and <= 20 ? "phone:" + (international ? "+" : "") + digits : null;
    }

    public static byte[] HashKey(byte[] kek) => HKDF.DeriveKey(HashAlgorithmName.SHA256, kek, 32, salt: null, info: Info);

    public static byte[] Hash(byte[] hashKey, string term) => HMACSHA256.HashData(hashKey, Encoding.UTF8.GetBytes(term));

    /// <summary>The entries for a case's plaintext values under one key-encryption key, without repeats.</summary>
    public static IEnumerable<CaseBlindIndexEntry> Entries(Guid caseId, string kekId, byte[] kek, IEnumerable<string?> values) =>
        EntriesFor(caseId, kekId, kek, values.SelectMany(Terms));

    /// <summary>The entries for terms already taken from a case's values (<see cref="Terms"/>, <see cref="FieldTerms"/>), without repeats.</summary>
    public static IEnumerable<CaseBlindIndexEntry> EntriesFor(Guid caseId, string kekId, byte[] kek, IEnumerable<string> terms)
    {
        var hashKey = HashKey(kek);
        return terms.Distinct(StringComparer.Ordinal)
            .Select(term => new CaseBlindIndexEntry { CaseId = caseId, KekId = kekId, Hash = Hash(hashKey, term) });
    }

    /// <summary>
    /// The terms of one of a case's own text columns: those of its text, and for the two case
    /// references the reference itself (<see cref="CaseTriage.ReferenceTerm"/>), so a member can find
    /// a case by its reference without the database holding the reference in clear (decision 0210).
    /// </summary>
    public static IEnumerable<string> ColumnTerms(string property, string? value)
    {
        var terms = Terms(value);
        var reference = property is nameof(CollaborationCase.SubmitterCaseReference) or nameof(CollaborationCase.ReceiverCaseReference)
            ? CaseTriage.ReferenceTerm(value)
            : null;
        return reference is null ? terms : terms.Append(reference);
    }

    /// <summary>Every term of a case's content: its text columns (<see cref="ColumnTerms"/>), its fields (<see cref="FieldTerms"/>) and its notes.</summary>
    public static IEnumerable<string> CaseTerms(CollaborationCase collaboration, IEnumerable<CaseField> fields, IEnumerable<CaseNote> notes) =>
        ColumnTerms(nameof(CollaborationCase.SubmitterCaseReference), collaboration.SubmitterCaseReference)
            .Concat(ColumnTerms(nameof(CollaborationCase.ReceiverCaseReference), collaboration.ReceiverCaseReference))
            .Concat(new[] { collaboration.RejectionReason, collaboration.StepsTaken, collaboration.Conclusion }.SelectMany(Terms))
            .Concat(fields.SelectMany(f => FieldTerms(f.Name, f.Value)))
            .Concat(notes.SelectMany(n => Terms(n.Body)));

    /// <summary>
    /// The live cases whose content holds this e-mail address or phone number (for issue 12's
    /// data-subject search; the caller applies need-to-know). Hashed under every key-encryption
    /// key that exists, so a search during a rotation finds entries of either key.
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> FindCasesAsync(ExchangeDbContext db, string identifier, CancellationToken cancellationToken = default) =>
        TermFor(identifier) is { } term ? await FindTermAsync(db, term, cancellationToken) : [];

    /// <summary>The live cases whose index holds a term (<see cref="Terms"/>, <see cref="ColumnTerms"/>); the caller applies need-to-know.</summary>
    public static async Task<IReadOnlyList<Guid>> FindTermAsync(ExchangeDbContext db, string term, CancellationToken cancellationToken = default)
    {
        var protector = db.ContentProtector ?? throw new InvalidOperationException("This context has no case content protector.");
        var found = new HashSet<Guid>();
        foreach (var kekId in protector.Keks.Ids())
        {
            byte[] kek;
            try
            {
                kek = protector.Keks.Get(kekId);
            }
            catch (KeyEncryptionKeyMissingException)
            {
                continue; // Destroyed by a rotation while this search ran.
            }

            var hash = Hash(HashKey(kek), term);
            found.UnionWith(await db.CaseBlindIndex.Where(e => e.KekId == kekId && e.Hash == hash).Select(e => e.CaseId).ToListAsync(cancellationToken));
        }

        return found.Order().ToList();
    }
}

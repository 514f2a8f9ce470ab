using System.Security.Cryptography;
using System.Text;

namespace ChatPresence.Domain.Identity;

/// <summary>
/// PBKDF2-HMAC-SHA256 with a 16-byte per-user salt. The iteration count is stored with each hash, so raising it
/// affects new passwords only and old hashes keep verifying.
/// </summary>
public sealed class PasswordHasher(int iterations = PasswordHasher.DefaultIterations)
{
    /// <summary>OWASP's 2023 figure for PBKDF2-HMAC-SHA256.</summary>
    public const int DefaultIterations = 600_000;

    public const string Algorithm = "PBKDF2-SHA256";

    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // Verified when there is no stored password (an unknown login), so a refusal costs the same time either way and
    // does not tell which logins exist.
    private readonly Lazy<StoredPassword> decoy = new(() => new PasswordHasher(iterations).Hash("decoy"));

    public StoredPassword Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return new StoredPassword(Algorithm, iterations, salt, Derive(password, salt, iterations));
    }

    public static bool Verify(string password, StoredPassword stored) =>
        stored.Algorithm == Algorithm
        && CryptographicOperations.FixedTimeEquals(Derive(password, stored.Salt, stored.Iterations), stored.Hash);

    /// <summary>Verifies against <paramref name="stored"/>, or against a decoy (always false) when there is none, at the same cost.</summary>
    public bool VerifyOrDecoy(string password, StoredPassword? stored) =>
        Verify(password, stored ?? decoy.Value) && stored is not null;

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
}

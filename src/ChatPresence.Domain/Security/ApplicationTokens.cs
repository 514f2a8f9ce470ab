using System.Security.Cryptography;
using System.Text;

namespace ChatPresence.Domain.Security;

/// <summary>
/// The registered application tokens. Only SHA-256 hashes are kept, and a presented token is compared with every
/// registered one in constant time, so neither its content nor its length leaks through timing.
/// </summary>
public sealed class ApplicationTokens
{
    private readonly byte[][] hashes;

    public ApplicationTokens(IEnumerable<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        hashes = tokens.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => SHA256.HashData(Encoding.UTF8.GetBytes(t.Trim()))).ToArray();
    }

    public int Count => hashes.Length;

    public bool IsRegistered(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 1024)
        {
            return false;
        }

        Span<byte> presented = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(token.Trim()), presented);
        var found = false;
        foreach (var hash in hashes)
        {
            // No early exit: every registered token is compared.
            found |= CryptographicOperations.FixedTimeEquals(presented, hash);
        }

        return found;
    }
}

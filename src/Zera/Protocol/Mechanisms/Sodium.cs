using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Zera.Protocol.Mechanisms;

/// <summary>
/// The few libsodium functions CURVE needs (Curve25519 key agreement, XSalsa20-Poly1305 boxes, randomness), called
/// straight into the native library that the <c>libsodium</c> NuGet package places under
/// <c>runtimes/&lt;rid&gt;/native</c>. Spans are pinned for the call, so no call allocates.
/// </summary>
/// <remarks>Every function is thread-safe (libsodium's are once <c>sodium_init</c> has run, which the static
/// constructor does before the first call). Boxes use the "easy" layout: a 16-byte tag, then the ciphertext, which is
/// NaCl's <c>crypto_box</c> output without its 16 leading zero bytes, so the wire form is the one libzmq sends.</remarks>
internal static partial class Sodium
{
    private const string Library = "libsodium";

    /// <summary>A Curve25519 public or secret key, and the precomputed box key.</summary>
    public const int KeyBytes = 32;

    /// <summary>A box's nonce: XSalsa20's 24 bytes.</summary>
    public const int NonceBytes = 24;

    /// <summary>The Poly1305 tag in front of every box's ciphertext.</summary>
    public const int MacBytes = 16;

    static Sodium()
    {
        // The package's runtimes folder is probed first; a machine where it is missing (an unlisted RID, a trimmed
        // deployment) may still have the distribution's library, under its versioned soname.
        AssemblyLoadContext.Default.ResolvingUnmanagedDll += ResolveSystemLibrary;
        if (sodium_init() < 0) throw new InvalidOperationException("libsodium failed to initialize (sodium_init returned -1)");
    }

    private static IntPtr ResolveSystemLibrary(Assembly assembly, string name)
    {
        if (assembly != typeof(Sodium).Assembly || name != Library) return IntPtr.Zero;
        foreach (var candidate in (ReadOnlySpan<string>)["libsodium.so.23", "libsodium.so.26", "libsodium.dylib"])
        {
            if (NativeLibrary.TryLoad(candidate, out var handle)) return handle;
        }
        return IntPtr.Zero;
    }

    /// <summary>Makes sure libsodium is loaded and initialized (the static constructor's work), so a missing library
    /// shows when a mechanism is created rather than in the middle of a handshake.</summary>
    public static void EnsureLoaded()
    {
    }

    /// <summary>A fresh Curve25519 key pair from libsodium's random source.</summary>
    public static void BoxKeyPair(Span<byte> publicKey, Span<byte> secretKey)
    {
        CheckLength(publicKey, KeyBytes);
        CheckLength(secretKey, KeyBytes);
        Check(crypto_box_keypair(publicKey, secretKey));
    }

    /// <summary>The public key of <paramref name="secretKey"/>: the scalar multiplication of the curve's base point.</summary>
    public static void ScalarMultBase(Span<byte> publicKey, ReadOnlySpan<byte> secretKey)
    {
        CheckLength(publicKey, KeyBytes);
        CheckLength(secretKey, KeyBytes);
        Check(crypto_scalarmult_base(publicKey, secretKey));
    }

    /// <summary>The shared box key of a peer's public key and our secret key (crypto_box_beforenm). False when the
    /// peer's key is a low-order point (libsodium refuses it).</summary>
    public static bool BeforeNm(Span<byte> sharedKey, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> secretKey)
    {
        CheckLength(sharedKey, KeyBytes);
        CheckLength(publicKey, KeyBytes);
        CheckLength(secretKey, KeyBytes);
        return crypto_box_beforenm(sharedKey, publicKey, secretKey) == 0;
    }

    /// <summary>Boxes <paramref name="message"/> into <paramref name="box"/> (tag, then ciphertext: <see cref="MacBytes"/>
    /// more bytes) with a precomputed key. The two may overlap exactly as in-place encryption needs (the message
    /// <see cref="MacBytes"/> past the box's start).</summary>
    public static void BoxAfterNm(Span<byte> box, ReadOnlySpan<byte> message, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> sharedKey)
    {
        CheckBox(box, message.Length, nonce, sharedKey);
        Check(crypto_box_easy_afternm(box, message, (ulong)message.Length, nonce, sharedKey));
    }

    /// <summary>Opens <paramref name="box"/> into <paramref name="message"/> (<see cref="MacBytes"/> fewer bytes) with
    /// a precomputed key; false when the tag does not verify (a forged or corrupt box).</summary>
    public static bool OpenAfterNm(Span<byte> message, ReadOnlySpan<byte> box, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> sharedKey)
    {
        if (box.Length < MacBytes) return false;
        CheckBox(box: message, box.Length - MacBytes, nonce, sharedKey, opening: true);
        return crypto_box_open_easy_afternm(message, box, (ulong)box.Length, nonce, sharedKey) == 0;
    }

    /// <summary>Boxes <paramref name="message"/> from <paramref name="secretKey"/> to <paramref name="publicKey"/>.</summary>
    public static bool Box(Span<byte> box, ReadOnlySpan<byte> message, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> secretKey)
    {
        CheckBox(box, message.Length, nonce, publicKey);
        CheckLength(secretKey, KeyBytes);
        return crypto_box_easy(box, message, (ulong)message.Length, nonce, publicKey, secretKey) == 0;
    }

    /// <summary>Opens a box from <paramref name="publicKey"/> to <paramref name="secretKey"/>; false when it does not
    /// verify.</summary>
    public static bool Open(Span<byte> message, ReadOnlySpan<byte> box, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> secretKey)
    {
        if (box.Length < MacBytes) return false;
        CheckBox(message, box.Length - MacBytes, nonce, publicKey, opening: true);
        CheckLength(secretKey, KeyBytes);
        return crypto_box_open_easy(message, box, (ulong)box.Length, nonce, publicKey, secretKey) == 0;
    }

    /// <summary>Boxes <paramref name="message"/> under a symmetric key (crypto_secretbox, XSalsa20-Poly1305).</summary>
    public static void SecretBox(Span<byte> box, ReadOnlySpan<byte> message, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> key)
    {
        CheckBox(box, message.Length, nonce, key);
        Check(crypto_secretbox_easy(box, message, (ulong)message.Length, nonce, key));
    }

    /// <summary>Opens a symmetric box; false when it does not verify.</summary>
    public static bool SecretOpen(Span<byte> message, ReadOnlySpan<byte> box, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> key)
    {
        if (box.Length < MacBytes) return false;
        CheckBox(message, box.Length - MacBytes, nonce, key, opening: true);
        return crypto_secretbox_open_easy(message, box, (ulong)box.Length, nonce, key) == 0;
    }

    /// <summary>Fills <paramref name="buffer"/> with cryptographically secure random bytes.</summary>
    public static void Random(Span<byte> buffer) => randombytes_buf(buffer, (nuint)buffer.Length);

    /// <summary>Zeroes <paramref name="buffer"/> in a way the compiler cannot drop (for keys being forgotten).</summary>
    public static void Zero(Span<byte> buffer) => sodium_memzero(buffer, (nuint)buffer.Length);

    // The native calls have no bounds of their own: every length is checked here, so a wrong span is an exception and
    // never a write past a buffer.
    private static void CheckBox(Span<byte> box, int messageLength, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> key, bool opening = false)
    {
        int need = opening ? messageLength : messageLength + MacBytes;
        if (box.Length < need) throw new ArgumentException($"needs {need} bytes, has {box.Length}", opening ? "message" : nameof(box));
        CheckLength(nonce, NonceBytes);
        CheckLength(key, KeyBytes);
    }

    private static void CheckLength(ReadOnlySpan<byte> span, int length)
    {
        if (span.Length != length) throw new ArgumentException($"expected {length} bytes, got {span.Length}");
    }

    private static void Check(int rc)
    {
        if (rc != 0) throw new InvalidOperationException($"libsodium call failed ({rc})");
    }

    [LibraryImport(Library)]
    private static partial int sodium_init();

    [LibraryImport(Library)]
    private static partial int crypto_box_keypair(Span<byte> pk, Span<byte> sk);

    [LibraryImport(Library)]
    private static partial int crypto_scalarmult_base(Span<byte> q, ReadOnlySpan<byte> n);

    [LibraryImport(Library)]
    private static partial int crypto_box_beforenm(Span<byte> k, ReadOnlySpan<byte> pk, ReadOnlySpan<byte> sk);

    [LibraryImport(Library)]
    private static partial int crypto_box_easy_afternm(Span<byte> c, ReadOnlySpan<byte> m, ulong mlen, ReadOnlySpan<byte> n, ReadOnlySpan<byte> k);

    [LibraryImport(Library)]
    private static partial int crypto_box_open_easy_afternm(Span<byte> m, ReadOnlySpan<byte> c, ulong clen, ReadOnlySpan<byte> n, ReadOnlySpan<byte> k);

    [LibraryImport(Library)]
    private static partial int crypto_box_easy(Span<byte> c, ReadOnlySpan<byte> m, ulong mlen, ReadOnlySpan<byte> n, ReadOnlySpan<byte> pk, ReadOnlySpan<byte> sk);

    [LibraryImport(Library)]
    private static partial int crypto_box_open_easy(Span<byte> m, ReadOnlySpan<byte> c, ulong clen, ReadOnlySpan<byte> n, ReadOnlySpan<byte> pk, ReadOnlySpan<byte> sk);

    [LibraryImport(Library)]
    private static partial int crypto_secretbox_easy(Span<byte> c, ReadOnlySpan<byte> m, ulong mlen, ReadOnlySpan<byte> n, ReadOnlySpan<byte> k);

    [LibraryImport(Library)]
    private static partial int crypto_secretbox_open_easy(Span<byte> m, ReadOnlySpan<byte> c, ulong clen, ReadOnlySpan<byte> n, ReadOnlySpan<byte> k);

    [LibraryImport(Library)]
    private static partial void randombytes_buf(Span<byte> buf, nuint size);

    [LibraryImport(Library)]
    private static partial void sodium_memzero(Span<byte> pnt, nuint len);
}

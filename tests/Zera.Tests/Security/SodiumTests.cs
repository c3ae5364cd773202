using Zera.Protocol.Mechanisms;

namespace Zera.Tests.Security;

/// <summary>
/// The libsodium binding: known answers, so a wrong signature or a marshalling slip cannot pass unnoticed. The vector
/// is NaCl's crypto_box example (D. J. Bernstein, "Cryptography in NaCl", §8-§10), which libsodium's test suite
/// checks in test/default/box.c against box.exp: Alice's secret key, Bob's public key (RFC 7748 §6.1's X25519 keys),
/// a fixed nonce and a 131-byte message.
/// </summary>
public class SodiumTests
{
    private static readonly byte[] s_aliceSecret = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    private static readonly byte[] s_alicePublic = Convert.FromHexString("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    private static readonly byte[] s_bobSecret = Convert.FromHexString("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    private static readonly byte[] s_bobPublic = Convert.FromHexString("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    private static readonly byte[] s_nonce = Convert.FromHexString("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");

    private static readonly byte[] s_message = Convert.FromHexString(
        "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb31" +
        "0e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705");

    // The tag (16 bytes) and the ciphertext: box.exp's bytes 16..162 of crypto_box's zero-padded output.
    private static readonly byte[] s_box = Convert.FromHexString(
        "f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c972" +
        "71d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b3" +
        "7973f622a43d14a6599b1f654cb45a74e355a5");

    [Fact]
    public void LoadsThePackagesLibraryOnLinuxX64()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
            return;
        Sodium.EnsureLoaded();
        // The NuGet package's copy, not a system library that happens to be installed.
        var mapped = File.ReadAllLines("/proc/self/maps").Where(l => l.Contains("libsodium")).ToList();
        Assert.Contains(mapped, l => l.EndsWith(Path.Combine("runtimes", "linux-x64", "native", "libsodium.so"), StringComparison.Ordinal));
    }

    [Fact]
    public void VectorLengths()
    {
        Assert.Equal(131, s_message.Length);
        Assert.Equal(131 + Sodium.MacBytes, s_box.Length);
    }

    [Fact]
    public void ScalarMultBaseDerivesThePublicKeys()
    {
        var pk = new byte[32];
        Sodium.ScalarMultBase(pk, s_aliceSecret);
        Assert.Equal(s_alicePublic, pk);
        Sodium.ScalarMultBase(pk, s_bobSecret);
        Assert.Equal(s_bobPublic, pk);
    }

    [Fact]
    public void BoxMatchesTheKnownAnswer()
    {
        var box = new byte[s_box.Length];
        Assert.True(Sodium.Box(box, s_message, s_nonce, s_bobPublic, s_aliceSecret));
        Assert.Equal(s_box, box);
    }

    [Fact]
    public void PrecomputedBoxMatchesTheKnownAnswerAndOpensOnTheOtherSide()
    {
        var aliceKey = new byte[32];
        var bobKey = new byte[32];
        Assert.True(Sodium.BeforeNm(aliceKey, s_bobPublic, s_aliceSecret));
        Assert.True(Sodium.BeforeNm(bobKey, s_alicePublic, s_bobSecret));
        Assert.Equal(aliceKey, bobKey);

        var box = new byte[s_box.Length];
        Sodium.BoxAfterNm(box, s_message, s_nonce, aliceKey);
        Assert.Equal(s_box, box);

        var opened = new byte[s_message.Length];
        Assert.True(Sodium.OpenAfterNm(opened, s_box, s_nonce, bobKey));
        Assert.Equal(s_message, opened);
        Assert.True(Sodium.Open(opened, s_box, s_nonce, s_alicePublic, s_bobSecret));
        Assert.Equal(s_message, opened);
    }

    [Fact]
    public void BoxInPlaceMatchesTheKnownAnswer()
    {
        // The MESSAGE encoder writes the plaintext 16 bytes in and boxes it where it stands.
        var key = new byte[32];
        Assert.True(Sodium.BeforeNm(key, s_bobPublic, s_aliceSecret));
        var buffer = new byte[s_box.Length];
        s_message.CopyTo(buffer, Sodium.MacBytes);
        Sodium.BoxAfterNm(buffer, buffer.AsSpan(Sodium.MacBytes), s_nonce, key);
        Assert.Equal(s_box, buffer);
    }

    [Fact]
    public void AFlippedBitDoesNotOpen()
    {
        var key = new byte[32];
        Assert.True(Sodium.BeforeNm(key, s_alicePublic, s_bobSecret));
        var opened = new byte[s_message.Length];
        for (int i = 0; i < s_box.Length; i += 29)
        {
            var forged = (byte[])s_box.Clone();
            forged[i] ^= 0x01;
            Assert.False(Sodium.OpenAfterNm(opened, forged, s_nonce, key));
        }
        Assert.False(Sodium.OpenAfterNm(opened, s_box.AsSpan(0, 15), s_nonce, key));
    }

    [Fact]
    public void SecretBoxRoundTripsAndRefusesAnotherKey()
    {
        var key = new byte[32];
        var other = new byte[32];
        Sodium.Random(key);
        Sodium.Random(other);
        Assert.NotEqual(key, other);
        var box = new byte[64 + Sodium.MacBytes];
        Sodium.SecretBox(box, s_message.AsSpan(0, 64), s_nonce, key);
        var opened = new byte[64];
        Assert.True(Sodium.SecretOpen(opened, box, s_nonce, key));
        Assert.Equal(s_message.AsSpan(0, 64).ToArray(), opened);
        Assert.False(Sodium.SecretOpen(opened, box, s_nonce, other));
    }

    [Fact]
    public void ZeroClears()
    {
        var buffer = new byte[32];
        Sodium.Random(buffer);
        Sodium.Zero(buffer);
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [Fact]
    public void LowOrderPublicKeyIsRefused()
    {
        // A small-order point (libsodium's box.c small_order_p): no shared key may come of it.
        var smallOrder = Convert.FromHexString("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd86620516 5f49b800".Replace(" ", ""));
        Assert.False(Sodium.BeforeNm(new byte[32], smallOrder, s_aliceSecret));
    }
}

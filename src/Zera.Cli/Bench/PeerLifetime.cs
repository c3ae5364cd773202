using System.Globalization;
using System.Runtime.InteropServices;

namespace Zera.Cli.Bench;

/// <summary>
/// Peer-process hygiene for the benchmarks: a peer dies with the process that started it (Linux
/// PR_SET_PDEATHSIG), and holds its socket open until its parent closes its stdin.
/// </summary>
public static class PeerLifetime
{
    /// <summary>Set by a measuring process on the peer it starts: the parent's process id.</summary>
    public const string ParentPidVariable = "ANCHOR_PARENT_PID";

    private const int PrSetPdeathsig = 1;
    private const int SigKill = 9;

    /// <summary>In a peer process (the variable is set), asks the kernel for SIGKILL when the parent dies, and exits
    /// at once if the parent is already gone.</summary>
    public static void ArmIfPeer()
    {
        var parent = Environment.GetEnvironmentVariable(ParentPidVariable);
        if (parent == null || !OperatingSystem.IsLinux()) return;
        _ = Prctl(PrSetPdeathsig, (nuint)SigKill, 0, 0, 0);
        if (GetParentPid().ToString(CultureInfo.InvariantCulture) != parent) Environment.Exit(ExitCodes.Failure);
    }

    /// <summary>The -W wait: blocks until stdin reaches EOF (the parent has everything) or the timeout passes, so the
    /// peer's socket is not torn down while the parent may still need its messages.</summary>
    public static void WaitForStdinEof(int timeoutMs)
    {
        var reader = new Thread(() =>
        {
            try
            {
                using var stdin = Console.OpenStandardInput();
                var buffer = new byte[64];
                while (stdin.Read(buffer, 0, buffer.Length) > 0)
                {
                    // Discard: only the end of the stream matters.
                }
            }
            catch (IOException)
            {
                // A broken pipe means the parent is gone: release as well.
            }
        }) { IsBackground = true, Name = "stdin-eof" };
        reader.Start();
        reader.Join(timeoutMs);
    }

    // DllImport rather than LibraryImport: the generated marshalling needs unsafe code, which this project keeps off;
    // these signatures are blittable, so nothing is marshalled either way.
    [DllImport("libc", EntryPoint = "prctl")]
    private static extern int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [DllImport("libc", EntryPoint = "getppid")]
    private static extern int GetParentPid();
}

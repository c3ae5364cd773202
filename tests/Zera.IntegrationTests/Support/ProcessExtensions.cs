using System.Diagnostics;

namespace Zera.IntegrationTests.Support;

/// <summary>Ending the child processes tests start (the zera tool, libzmq peers) without leaving any behind.</summary>
public static class ProcessExtensions
{
    /// <summary>Kills <paramref name="process"/> and its children if still running, then reaps it (bounded wait).</summary>
    public static void KillTree(this Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Never started, or already reaped.
        }
    }
}

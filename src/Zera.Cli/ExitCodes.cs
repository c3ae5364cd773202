namespace Zera.Cli;

/// <summary>The exit codes of the <c>zera</c> tool.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>Bad command line: unknown option, bad value, bad endpoint or socket type.</summary>
    public const int Usage = 1;

    /// <summary>A wait ran out: no message (or no reply, or no peer) within the given timeout.</summary>
    public const int Timeout = 2;

    /// <summary>Anything else that went wrong at run time (a ZeroMQ error, a failed benchmark peer).</summary>
    public const int Failure = 3;

    /// <summary>Interrupted by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;
}

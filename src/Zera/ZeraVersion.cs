using System.Reflection;

namespace Zera;

/// <summary>
/// Which Zera this is and which wire protocol it speaks (libzmq's zmq_version, for the Guide's "version" example and
/// for bug reports). Immutable; safe from any thread.
/// </summary>
public static class ZeraVersion
{
    /// <summary>The library's version (major, minor, patch), as its package is numbered.</summary>
    public static Version Library { get; } = typeof(ZeraVersion).Assembly.GetName().Version is { } v
        ? new Version(v.Major, v.Minor, Math.Max(v.Build, 0))
        : new Version(0, 0, 0);

    /// <summary>The library's informational version: <see cref="Library"/> plus the source revision it was built from
    /// when known (<c>1.0.0+&lt;commit&gt;</c>).</summary>
    public static string Informational { get; } =
        typeof(ZeraVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? Library.ToString();

    /// <summary>The ZMTP version Zera sends in its greeting ("3.1"); it also talks to ZMTP 3.0, 2.0 and 1.0 peers.</summary>
    public static string Zmtp => "3.1";
}

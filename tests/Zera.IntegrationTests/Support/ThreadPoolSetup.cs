using System.Runtime.CompilerServices;

namespace Zera.IntegrationTests.Support;

/// <summary>Many tests block pool threads (a blocking receive inside a task); Zera's connections also run on the pool.
/// Starting the pool wide keeps its slow thread injection from delaying timers and reconnects in a busy test run.</summary>
internal static class ThreadPoolSetup
{
#pragma warning disable CA2255 // a test assembly is the right place for a module initializer
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Widen()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
    }
}

namespace Zera.Soak;

/// <summary>One reading of the process and of Zera's live objects.</summary>
/// <param name="Seconds">Seconds since the scenario started.</param>
/// <param name="RssBytes">Resident set size (VmRSS on Linux, the working set elsewhere).</param>
/// <param name="HeapBytes">Managed heap after a full blocking collection, less the slabs Zera keeps pooled for reuse
/// (bounded memory by design, not a leak).</param>
/// <param name="Threads">The process's OS threads outside the thread pool: Zera's I/O threads, the runtime's own, the
/// scenario's. A thread per socket or per connection would show here.</param>
/// <param name="PoolThreads">The thread pool's workers (<see cref="ThreadPool.ThreadCount"/>), which the runtime adds
/// and retires by its own policy.</param>
/// <param name="Fds">Open file descriptors (/proc/self/fd, less the runtime's open assembly files; -1 where there is
/// no /proc).</param>
/// <param name="Timers">Active <see cref="Timer"/>s in the process (<see cref="Timer.ActiveCount"/>).</param>
/// <param name="Sockets">Zera sockets not yet disposed.</param>
/// <param name="Sessions">Zera tcp/ipc sessions not yet finished.</param>
/// <param name="Engines">Zera tcp/ipc connections whose engine still runs.</param>
/// <param name="Messages">Messages the scenario has received and checked so far.</param>
/// <param name="Peers">Peers (sockets or contexts) the scenario has cycled so far.</param>
/// <param name="Quiet">Taken at a quiet point: every peer that left was received and its connection had ended, so
/// nothing in flight blurs the figures.</param>
internal readonly record struct Sample(
    double Seconds, long RssBytes, long HeapBytes, int Threads, int PoolThreads, int Fds, long Timers,
    long Sockets, long Sessions, long Engines, long Messages, long Peers, bool Quiet);

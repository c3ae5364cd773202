using Zera.Core;
using Zera.Soak;

// The soak suite: each scenario churns peers, connections or contexts for a while, checks every message, samples the
// process every second and fails on loss, duplication, reordering, truncation, a hang or growth beyond tolerance.
var options = SoakOptions.Parse(args, out var error);
if (options is null)
{
    Console.Error.WriteLine($"soak: {error}");
    Console.Error.WriteLine(SoakOptions.Usage);
    Console.Error.WriteLine("scenarios: " + string.Join(", ", Scenario.All.Select(s => s.Name)));
    return 2;
}
if (options.Help)
{
    Console.WriteLine(SoakOptions.Usage);
    Console.WriteLine("scenarios:");
    foreach (var s in Scenario.All) Console.WriteLine($"  {s.Name,-20} {s.Description}");
    return 0;
}
var unknown = options.Scenarios.Where(n => Scenario.All.All(s => s.Name != n)).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"soak: unknown scenario {string.Join(", ", unknown)}; scenarios: {string.Join(", ", Scenario.All.Select(s => s.Name))}");
    return 2;
}
var chosen = Scenario.All.Where(s => options.Scenarios.Count == 0 || options.Scenarios.Contains(s.Name)).ToList();

// Zera's connections run on the thread pool; the scenarios' blocking loops have threads of their own. A wide minimum
// keeps the pool's slow thread injection from delaying reconnect timers when many connections start at once.
ThreadPool.SetMinThreads(Math.Max(Environment.ProcessorCount, 16), Math.Max(Environment.ProcessorCount, 16));

Console.WriteLine($"zera soak: {(options.Short ? "short mode, " : "")}{options.Duration.TotalSeconds:F0} s per scenario, {Environment.ProcessorCount} cpus, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Primer.Run();
var verdicts = new List<(string Name, bool Passed, long Messages, long Peers)>();
foreach (var scenario in chosen)
{
    var run = new ScenarioRun(scenario.Name, options.Duration, options.Short);
    var before = Sampler.TakeSettled(0, 0, 0);
    var fdsBefore = FdKinds.Take();
    Console.WriteLine($"-- {scenario.Name} running for {options.Duration.TotalSeconds:F0} s");
    List<Sample> samples;
    bool finished;
    using (var sampler = new Sampler(run))
    {
        var worker = Workers.Start(run, scenario.Name, () => scenario.Run(run));
        // The scenario's own waits are all bounded; this is the backstop against a hang in its clean-up.
        finished = worker.Join(options.Duration + TimeSpan.FromMinutes(2));
        if (!finished) run.Fail($"the scenario did not finish within {(options.Duration + TimeSpan.FromMinutes(2)).TotalSeconds:F0} s (hang)");
        samples = sampler.Samples;
    }
    // Connections of peers that left end a moment after they go: wait (bounded) for the live counts to come back.
    if (!Workers.Until(() => LiveCounts.Sockets <= before.Sockets && LiveCounts.Sessions <= before.Sessions && LiveCounts.Engines <= before.Engines,
            TimeSpan.FromSeconds(30)))
        run.Note("live counts had not come back to their start after 30 s");
    // Timers with a due time (a connection's drain grace, a reconnect delay, the runtime's own) end when they fire: wait
    // (bounded) for them too, so that only a timer that never ends counts against the scenario.
    if (!Workers.Until(() => Timer.ActiveCount <= before.Timers + GrowthCheck.EndTimerSlack, TimeSpan.FromSeconds(30)))
        run.Note("timers had not come back to their start after 30 s");
    var settled = Sampler.TakeSettled(run.Elapsed.TotalSeconds, run.Messages, run.Peers);
    var checks = GrowthCheck.Evaluate(scenario, run, before, samples, settled);
    string fdDiff = FdKinds.Diff(fdsBefore, FdKinds.Take());
    if (fdDiff.Length > 0) run.Note($"descriptors by kind, end vs start: {fdDiff}");
    Console.WriteLine(Report.Format(scenario, run, before, samples, settled, checks));
    verdicts.Add((scenario.Name, run.FailureCount == 0, run.Messages, run.Peers));
    if (!finished)
    {
        Console.WriteLine("soak: a scenario hung; stopping here");
        break;
    }
}

Console.WriteLine("summary:");
foreach (var (name, passed, messages, peers) in verdicts)
    Console.WriteLine($"  {(passed ? "PASS" : "FAIL")} {name,-22} messages {messages,12:N0}  peers {peers,8:N0}");
bool ok = verdicts.Count == chosen.Count && verdicts.All(v => v.Passed);
Console.WriteLine(ok ? "soak: PASS" : "soak: FAIL");
Console.Out.Flush();
// A hung scenario's threads are background threads: returning ends the process regardless.
return ok ? 0 : 1;

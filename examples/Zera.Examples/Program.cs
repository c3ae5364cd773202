// The ZeroMQ Guide's examples (chapters 1 and 2) written with Zera.
// Run one with: dotnet run --project examples/Zera.Examples -- NAME
namespace Zera.Examples;

public static class Program
{
    private static readonly Dictionary<string, (string About, Func<string[], int> Run)> s_examples = new()
    {
        ["hwserver"] = ("Hello World server: REP bound on tcp://*:5555, answers \"World\"", HelloWorld.Server),
        ["hwclient"] = ("Hello World client: REQ connected to tcp://localhost:5555, sends 10 requests", HelloWorld.Client),
        ["pipeline"] = ("Ventilator, workers and sink (PUSH/PULL) in one process over tcp", Pipeline.Run),
        ["mtrelay"] = ("Three threads signalling each other with inproc PAIR sockets", MultithreadRelay.Run),
        ["interrupt"] = ("Ctrl-C wakes a blocked call and the program exits cleanly: interrupt recv|poll|proxy [ENDPOINTS]",
            args => Interrupt.Run(args).GetAwaiter().GetResult()),
        ["multipart"] = ("Sending and receiving a multipart message with DEALER and ROUTER", Multipart.Run),
    };

    public static int Main(string[] args)
    {
        if (args.Length == 0 || !s_examples.TryGetValue(args[0], out var example))
        {
            Console.Error.WriteLine("usage: Zera.Examples NAME [ARGS]");
            foreach (var (name, (about, _)) in s_examples) Console.Error.WriteLine($"  {name,-10} {about}");
            return args.Length == 0 ? 0 : 1;
        }
        return example.Run(args[1..]);
    }
}

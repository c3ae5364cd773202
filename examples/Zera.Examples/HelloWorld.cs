namespace Zera.Examples;

/// <summary>The Guide's first example: a REQ client and a REP server exchanging "Hello" and "World".</summary>
public static class HelloWorld
{
    public static int Server(string[] args)
    {
        using var context = new Context();
        using var responder = context.CreateSocket(SocketType.Rep);
        responder.Bind(args.Length > 0 ? args[0] : "tcp://*:5555");
        Console.WriteLine($"listening on {responder.LastEndpoint}");
        while (true)
        {
            string request = responder.ReceiveString();
            Console.WriteLine($"Received {request}");
            responder.Send("World");
        }
    }

    public static int Client(string[] args)
    {
        using var context = new Context();
        using var requester = context.CreateSocket(SocketType.Req);
        requester.Linger = 0;
        requester.Connect(args.Length > 0 ? args[0] : "tcp://localhost:5555");
        for (int i = 0; i < 10; i++)
        {
            Console.WriteLine($"Sending Hello {i}...");
            requester.Send("Hello");
            if (!requester.TryReceiveString(TimeSpan.FromSeconds(5), out var reply))
            {
                Console.Error.WriteLine("no reply within 5 s: is hwserver running?");
                return 1;
            }
            Console.WriteLine($"Received {reply} {i}");
        }
        return 0;
    }
}

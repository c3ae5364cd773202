using System.CommandLine;
using System.Globalization;

namespace Zera.Cli.Commands;

/// <summary><c>zera proxy</c>: runs zmq_proxy_steerable between two endpoints until Ctrl-C (or TERMINATE).</summary>
public static class ProxyCommand
{
    private static readonly SocketType[] s_types = Enum.GetValues<SocketType>();

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var front = new Argument<string>("FRONT") { Description = "The frontend's endpoint (where clients or publishers are)." };
        var back = new Argument<string>("BACK") { Description = "The backend's endpoint (where workers or subscribers are)." };
        var frontType = new Option<string>("--front-type")
        {
            Description = "The frontend's socket type (router for a request broker, xsub for a forwarder, pull for a streamer).",
            HelpName = "TYPE",
            DefaultValueFactory = _ => "router",
        };
        var backType = new Option<string>("--back-type")
        {
            Description = "The backend's socket type (dealer for a request broker, xpub for a forwarder, push for a streamer).",
            HelpName = "TYPE",
            DefaultValueFactory = _ => "dealer",
        };
        var frontBind = new Option<bool>("--front-bind") { Description = "Bind the frontend to FRONT (the default)." };
        var frontConnect = new Option<bool>("--front-connect") { Description = "Connect the frontend to FRONT instead of binding it." };
        var backBind = new Option<bool>("--back-bind") { Description = "Bind the backend to BACK (the default)." };
        var backConnect = new Option<bool>("--back-connect") { Description = "Connect the backend to BACK instead of binding it." };
        var capture = new Option<string?>("--capture")
        {
            Description = "Bind a PUB socket here that gets a copy of every frame the proxy moves (subscribe to \"\" to see all).",
            HelpName = "EP",
        };
        var control = new Option<string?>("--control")
        {
            Description = "Bind a REP control socket here: send PAUSE, RESUME, TERMINATE or STATISTICS (e.g. with " +
                          "'zera send EP STATISTICS --type req'); STATISTICS answers libzmq's 8 counters, the others an empty frame.",
            HelpName = "EP",
        };
        var stats = StatsPrinter.Option();
        var security = new SecurityOptions();
        var command = new Command("proxy",
            "Run a proxy (zmq_proxy_steerable) that moves every message between a frontend and a backend socket, in both " +
            "directions where the types allow, until Ctrl-C or a TERMINATE command. Both endpoints are bound unless " +
            "--front-connect/--back-connect say otherwise. The security options (--curve-*, --plain-*, --zap-*) apply " +
            "to the frontend. Prints what it moved on stderr when it ends. " +
            "When standard output is a terminal, a live progress line (messages received and sent, rate, time) is " +
            "redrawn below the output; never when it is piped.")
        {
            front, back, frontType, backType, frontBind, frontConnect, backBind, backConnect, capture, control, stats,
        };
        security.AddTo(command);
        command.SetAction((result, ct) => ProgressLine.Around(result.InvocationConfiguration.Output,
            result.InvocationConfiguration.Error, (_, stderr) =>
            StatsPrinter.Around(result.GetValue(stats), stderr, () => Task.Run(() => Run(
            stderr,
            result.GetRequiredValue(front),
            result.GetRequiredValue(back),
            ParseType(result.GetRequiredValue(frontType), "--front-type"),
            ParseType(result.GetRequiredValue(backType), "--back-type"),
            Binds(result.GetValue(frontBind), result.GetValue(frontConnect), "--front"),
            Binds(result.GetValue(backBind), result.GetValue(backConnect), "--back"),
            result.GetValue(capture),
            result.GetValue(control),
            security.Read(result),
            ct), CancellationToken.None))));
        return command;
    }

    private static SocketType ParseType(string name, string option)
    {
        try
        {
            return SocketTypeNames.Parse(name, "proxy", s_types, "");
        }
        catch (CliException e)
        {
            throw new CliException(e.Message.Replace("--type", option, StringComparison.Ordinal));
        }
    }

    private static bool Binds(bool bind, bool connect, string prefix)
    {
        if (bind && connect) throw new CliException($"{prefix}-bind and {prefix}-connect cannot both be given");
        return !connect;
    }

    private static int Run(TextWriter stderr, string frontEp, string backEp, SocketType frontType, SocketType backType,
        bool frontBinds, bool backBinds, string? captureEp, string? controlEp, SecuritySettings frontSecurity, CancellationToken ct)
    {
        var context = new Context();
        var sockets = new List<ZeraSocket>();
        ZapAuthenticator? authenticator = null;
        ZeraSocket Open(SocketType type, string endpoint, bool bind, SecuritySettings? security = null)
        {
            var s = context.CreateSocket(type);
            sockets.Add(s);
            s.Linger = 0;
            security?.Apply(s);
            if (!bind)
            {
                s.Connect(endpoint);
                return s;
            }
            s.Bind(endpoint);
            if (!string.Equals(s.LastEndpoint, endpoint, StringComparison.Ordinal))
                stderr.WriteLine($"zera: listening on {s.LastEndpoint}");
            return s;
        }
        try
        {
            authenticator = frontSecurity.StartAuthenticator(context);
            var frontend = Open(frontType, frontEp, frontBinds, frontSecurity);
            var backend = Open(backType, backEp, backBinds);
            var capture = captureEp is null ? null : Open(SocketType.Pub, captureEp, bind: true);
            var control = controlEp is null ? null : Open(SocketType.Rep, controlEp, bind: true);
            var stats = Proxy.Run(frontend, backend, capture, control, ct);
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"zera: proxy moved {stats.FrontendReceivedFrames} frames ({stats.FrontendReceivedBytes} bytes) front to back, " +
                $"{stats.BackendReceivedFrames} frames ({stats.BackendReceivedBytes} bytes) back to front"));
            return ct.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Ok;
        }
        finally
        {
            foreach (var s in sockets) s.Dispose();
            authenticator?.Dispose();
            context.Dispose();
        }
    }
}

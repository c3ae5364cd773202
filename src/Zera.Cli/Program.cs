using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace Zera.Cli;

/// <summary>The <c>zera</c> command-line tool: entry points and error reporting.</summary>
public static class Program
{
    /// <summary>The process entry: runs the tool on the console and returns its exit code.</summary>
    public static int Main(string[] args)
    {
        // Frames print as UTF-8 text whatever the locale says (an unset LANG would otherwise mean ASCII).
        var utf8 = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        Console.OutputEncoding = utf8;
        Console.InputEncoding = utf8;
        return Run(args, Console.Out, Console.Error);
    }

    /// <summary>Runs the tool in-process (tests call this); returns the exit code. Every failure is reported as one
    /// line on <paramref name="stderr"/>, <c>zera: message</c>, never as a stack trace.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            var root = CliApp.CreateRootCommand();
            // No command at all: show what there is (on stdout), but as a failed run, as git does.
            bool bare = args.Length == 0;
            // No response files: '@' is a Z85 character, so a CURVE key (or a frame) may begin with it.
            var parsing = new ParserConfiguration { ResponseFileTokenReplacer = null };
            var result = root.Parse(bare ? ["--help"] : args, parsing);
            string? usageError = result.Action is ParseErrorAction && result.Errors.Count > 0
                ? Sentence(result.Errors[0].Message)
                : UnknownOption(result);
            if (usageError != null)
            {
                string where = string.Join(' ', CommandPath(result));
                stderr.WriteLine($"zera: {usageError}; see '{where} --help'");
                return ExitCodes.Usage;
            }
            var config = new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
                // Ctrl-C and SIGTERM cancel the running command, which then closes its sockets; one that does not
                // finish in this time is abandoned (exit code 130 or 143).
                ProcessTerminationTimeout = TimeSpan.FromSeconds(2),
            };
            // InvokeAsync: only the asynchronous path turns Ctrl-C and SIGTERM into cancellation of the running command.
            int rc = result.InvokeAsync(config).GetAwaiter().GetResult();
            return bare ? ExitCodes.Usage : rc;
        }
        catch (Exception e)
        {
            return Report(e, stderr);
        }
    }

    private static int Report(Exception e, TextWriter stderr)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } agg) e = agg.InnerExceptions[0];
        switch (e)
        {
            case CliException cli:
                stderr.WriteLine($"zera: {cli.Message}");
                return cli.ExitCode;
            case ZeraException zera:
                stderr.WriteLine($"zera: {zera.Message}");
                return zera.Kind is ErrorKind.InvalidArgument or ErrorKind.ProtocolNotSupported
                    or ErrorKind.AddressInUse or ErrorKind.AddressNotAvailable
                    ? ExitCodes.Usage
                    : ExitCodes.Failure;
            case ArgumentException arg:
                stderr.WriteLine($"zera: {Text.ArgumentText.Describe(arg)}");
                return ExitCodes.Usage;
            case OperationCanceledException:
                return ExitCodes.Interrupted;
            case IOException io:
                stderr.WriteLine($"zera: {io.Message}");
                return ExitCodes.Failure;
            default:
                // Not expected: still one line, naming the exception type so a bug report has something to go on.
                stderr.WriteLine($"zera: internal error: {e.GetType().Name}: {e.Message}");
                return ExitCodes.Failure;
        }
    }

    /// <summary>
    /// A token that looks like an option but that no option took: System.CommandLine hands it to a command's
    /// variadic argument (send's FRAMEs) instead of refusing it, so a misspelt or unsupported option would be sent
    /// as a frame. Only tokens after "--" may begin with '-' ("-" alone is an ordinary value).
    /// </summary>
    private static string? UnknownOption(ParseResult result)
    {
        int doubleDash = -1;
        for (int i = 0; i < result.Tokens.Count; i++)
        {
            if (result.Tokens[i].Type == TokenType.DoubleDash)
            {
                doubleDash = i;
                break;
            }
        }
        foreach (var argument in result.CommandResult.Children.OfType<ArgumentResult>())
        {
            foreach (var token in argument.Tokens)
            {
                if (token.Value.Length < 2 || token.Value[0] != '-') continue;
                int at = IndexOf(result.Tokens, token);
                if (doubleDash < 0 || at < doubleDash)
                    return $"Unrecognized option '{token.Value}' (a {argument.Argument.Name} that begins with '-' goes after '--')";
            }
        }
        return null;
    }

    private static int IndexOf(IReadOnlyList<Token> tokens, Token token)
    {
        for (int i = 0; i < tokens.Count; i++)
            if (ReferenceEquals(tokens[i], token)) return i;
        return -1;
    }

    private static List<string> CommandPath(ParseResult result)
    {
        var names = new List<string>();
        for (var r = result.CommandResult; r != null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, r.Command.Name);
        return names;
    }

    /// <summary>One line: System.CommandLine lists choices on separate lines.</summary>
    private static string Sentence(string message) =>
        string.Join(' ', message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).TrimEnd('.');
}

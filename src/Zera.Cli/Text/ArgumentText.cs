namespace Zera.Cli.Text;

/// <summary>An <see cref="ArgumentException"/> as the tool prints it: "name: what is wrong", without .NET's
/// "(Parameter '...')" and "Actual value was ..." tails.</summary>
public static class ArgumentText
{
    /// <summary>"PARAM: reason", or the reason alone when no parameter is named.</summary>
    public static string Describe(ArgumentException e) => e.ParamName is { Length: > 0 } name ? $"{name}: {Reason(e)}" : Reason(e);

    /// <summary>What is wrong, without the parameter's name.</summary>
    public static string Reason(ArgumentException e)
    {
        string message = e.Message;
        int tail = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return tail >= 0 ? message[..tail] : message.Split('\n')[0];
    }
}

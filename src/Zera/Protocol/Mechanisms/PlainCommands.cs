namespace Zera.Protocol.Mechanisms;

/// <summary>The command names of ZMTP PLAIN (RFC 24) besides READY and ERROR, which it shares with NULL.</summary>
internal static class PlainCommands
{
    public const string Hello = "HELLO";
    public const string Welcome = "WELCOME";
    public const string Initiate = "INITIATE";
}

using Zera.Core;

namespace Zera.Transports;

/// <summary>An <c>inproc://</c> name bound by a socket.</summary>
internal sealed class InprocBinding(Context context, Socket socket, string name) : IEndpointHandle
{
    public bool IsBound => true;

    public void Close(int linger) => context.UnbindInproc(socket, name);
}

/// <summary>An <c>inproc://</c> connection: the two sockets' pipes joined directly, frames passed by reference.</summary>
internal sealed class InprocConnection(Link link, Context context, string name) : IEndpointHandle
{
    public bool IsBound => false;

    public void Close(int linger)
    {
        context.CancelPendingInproc(name, link);
        link.CloseFromSocket();
    }
}

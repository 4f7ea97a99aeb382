using System.Net;
using System.Net.Sockets;

namespace Exchange.Testing;

/// <summary>A loopback port nothing listens on now, for a service a test starts.</summary>
public static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

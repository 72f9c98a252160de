using System.Net;

namespace Skyhook.Gateway.Sync;

/// <summary>
/// A call to the controller failed. <see cref="StatusCode"/> is null when the controller was not
/// reached at all (network, TLS, fingerprint); the message is one line fit for an operator.
/// </summary>
public sealed class ControllerApiException : Exception
{
    public ControllerApiException(string message, HttpStatusCode? statusCode = null, Exception? inner = null)
        : base(message, inner)
    {
        StatusCode = statusCode;
    }

    public HttpStatusCode? StatusCode { get; }

    public bool Unreachable => StatusCode is null;
}

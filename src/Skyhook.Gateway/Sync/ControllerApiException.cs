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

    /// <summary>
    /// Worth asking again at once: the connection failed or dropped before an answer (a controller
    /// replica that died mid-request, a balancer moving to another), or a balancer answered 502/503/504
    /// for a replica. Not a timeout (the time is spent) and not a refusal.
    /// </summary>
    public bool Transient =>
        StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
        || InnerException is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded };
}

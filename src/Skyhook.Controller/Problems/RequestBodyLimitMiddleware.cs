using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Skyhook.Controller.Hosting;

namespace Skyhook.Controller.Problems;

/// <summary>
/// Refuses bodies over <see cref="ControllerOptions.MaxRequestBodyBytes"/> with 413, or over the
/// endpoint's own limit when it has one (<see cref="IRequestSizeLimitMetadata"/>, such as the event batches'). A declared
/// length is checked before reading; a body without one (chunked) is cut off while it is read.
/// Kestrel's own limit does the same for the real server; this also covers in-process hosts.
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<ControllerOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? options.Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            throw new BadHttpRequestException("The request body is too large.", StatusCodes.Status413PayloadTooLarge);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        context.Request.Body = new LimitedReadStream(context.Request.Body, limit);
        return next(context);
    }
}

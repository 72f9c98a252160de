using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Skyhook.Controller.Problems;

namespace Skyhook.Controller.Web;

/// <summary>
/// A failure on a form: its field messages beside their inputs (by the API's field names, so the
/// console and the API name the same thing the same way), its title above the form.
/// </summary>
public static class FormErrors
{
    public static IHtmlContent FieldError(this IHtmlHelper html, Failure? failure, string field)
    {
        if (failure?.Fields is not { } fields || !fields.TryGetValue(field, out var messages))
        {
            return HtmlString.Empty;
        }

        var builder = new HtmlContentBuilder();
        foreach (var message in messages)
        {
            builder.AppendHtml($"<p class=\"field-error\" data-field=\"{HtmlEncoder.Default.Encode(field)}\">{HtmlEncoder.Default.Encode(message)}</p>");
        }

        return builder;
    }

    /// <summary>The failure's title, and the messages of fields the form has no input for.</summary>
    public static IHtmlContent FormError(this IHtmlHelper html, Failure? failure, params string[] shownFields)
    {
        if (failure is null)
        {
            return HtmlString.Empty;
        }

        var builder = new HtmlContentBuilder();
        builder.AppendHtml($"<div class=\"form-error\" role=\"alert\"><p>{HtmlEncoder.Default.Encode(failure.Title)}</p>");
        foreach (var (field, messages) in failure.Fields ?? new Dictionary<string, string[]>())
        {
            if (!shownFields.Contains(field))
            {
                foreach (var message in messages)
                {
                    builder.AppendHtml($"<p><code>{HtmlEncoder.Default.Encode(field)}</code>: {HtmlEncoder.Default.Encode(message)}</p>");
                }
            }
        }

        builder.AppendHtml("</div>");
        return builder;
    }
}

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
    /// <summary>
    /// The messages of <paramref name="field"/> and of its items and members (<c>overlays[1].subnet</c>
    /// under <c>overlays</c>), each naming the item when it is not the field itself.
    /// </summary>
    public static IHtmlContent FieldError(this IHtmlHelper html, Failure? failure, string field)
    {
        var builder = new HtmlContentBuilder();
        foreach (var (key, messages) in failure?.Fields ?? new Dictionary<string, string[]>())
        {
            if (!Covers(field, key))
            {
                continue;
            }

            foreach (var message in messages)
            {
                var where = key == field ? "" : $"<code>{HtmlEncoder.Default.Encode(key)}</code>: ";
                builder.AppendHtml($"<p class=\"field-error\" data-field=\"{HtmlEncoder.Default.Encode(key)}\">{where}{HtmlEncoder.Default.Encode(message)}</p>");
            }
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
            if (!shownFields.Any(shown => Covers(shown, field)))
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

    private static bool Covers(string field, string key) =>
        key == field || (key.Length > field.Length && key.StartsWith(field, StringComparison.Ordinal) && key[field.Length] is '[' or '.');
}

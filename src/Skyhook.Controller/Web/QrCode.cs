using Microsoft.AspNetCore.Html;
using QRCoder;

namespace Skyhook.Controller.Web;

/// <summary>An <c>otpauth://</c> URI as an inline SVG QR code, for authenticator apps to scan.</summary>
public static class QrCode
{
    public static IHtmlContent Svg(string text)
    {
        using var data = QRCodeGenerator.GenerateQrCode(text, QRCodeGenerator.ECCLevel.M);
        // The SVG is made of rectangles only; the text it encodes is not in it as markup.
        return new HtmlString(new SvgQRCode(data).GetGraphic(5));
    }
}

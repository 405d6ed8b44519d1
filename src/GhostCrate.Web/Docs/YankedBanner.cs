using System.Net;
using System.Text;

namespace GhostCrate.Web.Docs;

/// <summary>
/// Docs of a yanked version say so on every page (as docs.rs does): a banner inserted right after the opening body
/// tag. Only HTML pages are touched; the rest of the page is sent as stored.
/// </summary>
public static class YankedBanner
{
    /// <summary>rustdoc pages are small; larger ones are sent unchanged rather than buffered.</summary>
    public const long MaxRewrittenBytes = 8 * 1024 * 1024;

    public static byte[] Insert(byte[] html, string crateName, string version, string latestHref)
    {
        var text = Encoding.UTF8.GetString(html);
        var body = text.IndexOf("<body", StringComparison.OrdinalIgnoreCase);
        var close = body < 0 ? -1 : text.IndexOf('>', body);
        var banner =
            "<div role=\"alert\" data-ghostcrate-yanked style=\"background:#fde8e8;color:#7a1212;border-bottom:2px solid #c53030;padding:8px 16px;font:15px sans-serif\">" +
            $"Version {WebUtility.HtmlEncode(version)} of {WebUtility.HtmlEncode(crateName)} has been yanked. " +
            $"<a href=\"{WebUtility.HtmlEncode(latestHref)}\" style=\"color:inherit\">Go to the latest version</a></div>";
        return Encoding.UTF8.GetBytes(close < 0 ? banner + text : text[..(close + 1)] + banner + text[(close + 1)..]);
    }
}

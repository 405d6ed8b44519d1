using System.Net;
using System.Text;

namespace GhostCrate.Core.Notifications.Email;

/// <summary>
/// Lays out an <see cref="EmailContent"/> as the text/plain and text/html parts of one message, with the same footer
/// (why you get it, where to choose, the unsubscribe link). Every value is HTML-encoded in the HTML part: crate names,
/// token names and user names come from users.
/// </summary>
public static class EmailRenderer
{
    public static string Text(EmailContent content, Uri settings, Uri? unsubscribe)
    {
        var text = new StringBuilder();
        foreach (var paragraph in content.Paragraphs) text.Append(paragraph).Append("\n\n");
        text.Append(content.LinkLabel).Append(": ").Append(content.Link).Append("\n\n");
        text.Append("-- \n").Append(content.Reason).Append('\n');
        text.Append("Choose which emails you get: ").Append(settings).Append('\n');
        if (unsubscribe is not null) text.Append("Unsubscribe from these emails: ").Append(unsubscribe).Append('\n');
        return text.ToString();
    }

    public static string Html(EmailContent content, Uri settings, Uri? unsubscribe)
    {
        static string E(string value) => WebUtility.HtmlEncode(value);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(content.Subject)).Append("</title></head>\n");
        html.Append("<body style=\"font-family: system-ui, sans-serif; line-height: 1.5; color: #1b1b1b;\">\n");
        html.Append("<h1 style=\"font-size: 1.25rem;\">").Append(E(content.Subject)).Append("</h1>\n");
        foreach (var paragraph in content.Paragraphs) html.Append("<p>").Append(E(paragraph)).Append("</p>\n");
        html.Append("<p><a href=\"").Append(E(content.Link.AbsoluteUri)).Append("\">").Append(E(content.LinkLabel)).Append("</a></p>\n");
        html.Append("<hr>\n<p style=\"font-size: 0.85rem; color: #555;\">").Append(E(content.Reason)).Append("<br>\n");
        html.Append("<a href=\"").Append(E(settings.AbsoluteUri)).Append("\">Choose which emails you get</a>");
        if (unsubscribe is not null) html.Append(" · <a href=\"").Append(E(unsubscribe.AbsoluteUri)).Append("\">Unsubscribe from these emails</a>");
        html.Append("</p>\n</body></html>\n");
        return html.ToString();
    }
}

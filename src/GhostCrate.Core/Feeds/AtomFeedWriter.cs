using System.Globalization;
using System.Text;
using System.Xml;

namespace GhostCrate.Core.Feeds;

/// <summary>
/// Writes a feed as Atom 1.0 (RFC 4287, https://www.rfc-editor.org/rfc/rfc4287): a feed id, title, updated, author,
/// self and alternate links; per release an entry whose id is its crate page's URL (permanent and unique, section
/// 4.2.6), the version's publication time and the crate's description. XmlWriter escapes everything a crate author
/// wrote, and characters XML cannot carry are dropped rather than failing the whole feed.
/// </summary>
public static class AtomFeedWriter
{
    private const string Atom = "http://www.w3.org/2005/Atom";

    // A feed with no entries still needs an `updated` (RFC 4287 4.2.15); a fixed instant keeps it stable.
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;

    /// <param name="baseUrl">The registry's public URL, without a trailing slash.</param>
    /// <param name="selfUrl">This feed's URL as the client requested it (the feed token left out).</param>
    /// <param name="registryName">The name the registry shows (page titles).</param>
    public static byte[] Write(Feed feed, string baseUrl, string selfUrl, string registryName)
    {
        var (title, alternate) = feed.Kind switch
        {
            FeedKind.NewCrates => ($"{registryName}: new crates", baseUrl + "/"),
            FeedKind.Updates => ($"{registryName}: recent updates", baseUrl + "/"),
            _ => ($"{registryName}: {feed.Crate} versions", $"{baseUrl}/crates/{feed.Crate}"),
        };
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, CheckCharacters = false, Async = false };
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("feed", Atom);
            Element(xml, "id", selfUrl);
            Element(xml, "title", title);
            Element(xml, "updated", Time(feed.Entries.Count > 0 ? feed.Entries.Max(e => e.PublishedAt) : Epoch));
            xml.WriteStartElement("author", Atom);
            Element(xml, "name", registryName);
            xml.WriteEndElement();
            Link(xml, "self", selfUrl, "application/atom+xml");
            Link(xml, "alternate", alternate, "text/html");
            foreach (var entry in feed.Entries)
            {
                var page = $"{baseUrl}/crates/{entry.Crate}/{entry.Version}";
                xml.WriteStartElement("entry", Atom);
                Element(xml, "id", page);
                Element(xml, "title", feed.Kind == FeedKind.NewCrates
                    ? $"New crate: {entry.Crate} {entry.Version}"
                    : $"{entry.Crate} {entry.Version}{(entry.Yanked ? " (yanked)" : "")}");
                Element(xml, "updated", Time(entry.PublishedAt));
                Element(xml, "published", Time(entry.PublishedAt));
                Link(xml, "alternate", page, "text/html");
                if (!string.IsNullOrWhiteSpace(entry.Description)) Element(xml, "summary", entry.Description);
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        return buffer.ToArray();
    }

    private static void Element(XmlWriter xml, string name, string value) =>
        xml.WriteElementString(name, Atom, XmlText(value));

    private static void Link(XmlWriter xml, string rel, string href, string type)
    {
        xml.WriteStartElement("link", Atom);
        xml.WriteAttributeString("rel", rel);
        xml.WriteAttributeString("type", type);
        xml.WriteAttributeString("href", href);
        xml.WriteEndElement();
    }

    // RFC 3339 date-time (RFC 4287 3.3), always in UTC.
    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    // XML 1.0 allows tab, newline, carriage return and most of Unicode; control characters in a description would
    // make the whole document unreadable.
    private static string XmlText(string value)
    {
        var kept = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (XmlConvert.IsXmlChar(value[i])) kept.Append(value[i]);
            else if (i + 1 < value.Length && XmlConvert.IsXmlSurrogatePair(value[i + 1], value[i])) kept.Append(value, i++, 2);
        }
        return kept.ToString();
    }
}

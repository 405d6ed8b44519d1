using System.Collections.Frozen;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace GhostCrate.Web.Ui.Readme;

/// <summary>
/// Allow-list HTML sanitiser for rendered READMEs (the approach of crates.io's ammonia): the HTML is parsed by a real
/// HTML5 parser, so the browser sees the same tree we check; every element, attribute and URL not known to be safe
/// is dropped. Scripts, styles, event handlers, forms, frames and javascript:/data: URLs never survive. Ids get a
/// `user-content-` prefix (as on GitHub) so a README cannot clobber the page's own ids.
/// </summary>
public static partial class ReadmeSanitizer
{
    public const string IdPrefix = "user-content-";

    /// <summary>Removed together with everything inside them.</summary>
    private static readonly FrozenSet<string> Dropped = FrozenSet.Create(StringComparer.Ordinal,
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript", "template", "form",
        "button", "select", "textarea", "option", "link", "meta", "base", "title", "head", "svg", "math", "audio",
        "video", "canvas", "dialog", "portal", "xmp", "plaintext", "noembed", "noframes", "param", "slot");

    /// <summary>Kept; any other element is replaced by its children (its text stays, its markup goes).</summary>
    private static readonly FrozenSet<string> Allowed = FrozenSet.Create(StringComparer.Ordinal,
        "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
        "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
        "img", "input", "ins", "kbd", "li", "mark", "ol", "p", "picture", "pre", "q", "rp", "rt", "ruby", "s", "samp",
        "small", "source", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "time", "tr", "tt", "u", "ul", "var", "wbr");

    private static readonly FrozenSet<string> GlobalAttributes = FrozenSet.Create(StringComparer.Ordinal, "id", "title", "lang", "dir");

    private static readonly FrozenDictionary<string, FrozenSet<string>> ElementAttributes = new Dictionary<string, FrozenSet<string>>
    {
        ["a"] = FrozenSet.Create(StringComparer.Ordinal, "href", "name"),
        ["img"] = FrozenSet.Create(StringComparer.Ordinal, "src", "alt", "width", "height", "align"),
        ["source"] = FrozenSet.Create(StringComparer.Ordinal, "srcset", "media", "type", "width", "height"),
        ["p"] = FrozenSet.Create(StringComparer.Ordinal, "align", "class"),
        ["div"] = FrozenSet.Create(StringComparer.Ordinal, "align", "class"),
        ["h1"] = FrozenSet.Create(StringComparer.Ordinal, "align"),
        ["h2"] = FrozenSet.Create(StringComparer.Ordinal, "align"),
        ["h3"] = FrozenSet.Create(StringComparer.Ordinal, "align"),
        ["h4"] = FrozenSet.Create(StringComparer.Ordinal, "align"),
        ["h5"] = FrozenSet.Create(StringComparer.Ordinal, "align"),
        ["h6"] = FrozenSet.Create(StringComparer.Ordinal, "align"),
        ["td"] = FrozenSet.Create(StringComparer.Ordinal, "align", "colspan", "rowspan"),
        ["th"] = FrozenSet.Create(StringComparer.Ordinal, "align", "colspan", "rowspan", "scope"),
        ["col"] = FrozenSet.Create(StringComparer.Ordinal, "span"),
        ["colgroup"] = FrozenSet.Create(StringComparer.Ordinal, "span"),
        ["ol"] = FrozenSet.Create(StringComparer.Ordinal, "start", "reversed"),
        ["li"] = FrozenSet.Create(StringComparer.Ordinal, "value"),
        ["details"] = FrozenSet.Create(StringComparer.Ordinal, "open"),
        ["code"] = FrozenSet.Create(StringComparer.Ordinal, "class"),
        ["input"] = FrozenSet.Create(StringComparer.Ordinal, "type", "checked", "disabled"),
        ["time"] = FrozenSet.Create(StringComparer.Ordinal, "datetime"),
        ["del"] = FrozenSet.Create(StringComparer.Ordinal, "datetime"),
        ["ins"] = FrozenSet.Create(StringComparer.Ordinal, "datetime"),
        ["q"] = FrozenSet.Create(StringComparer.Ordinal, "cite"),
        ["blockquote"] = FrozenSet.Create(StringComparer.Ordinal, "cite"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly HtmlParser Parser = new(new HtmlParserOptions { IsScripting = false });

    [GeneratedRegex("^language-[A-Za-z0-9_+#.-]{1,40}$")]
    private static partial Regex LanguageClass();

    /// <summary>The classes Markdig gives GitHub alert blocks (only styling: the site's CSS, no script, reads them).</summary>
    [GeneratedRegex("^(markdown-alert markdown-alert-(note|tip|important|warning|caution)|markdown-alert-title)$")]
    private static partial Regex AlertClass();

    [GeneratedRegex("^[0-9]{1,5}(%|px)?$")]
    private static partial Regex Dimension();

    /// <summary>
    /// Sanitises <paramref name="html"/>; relative links go to <paramref name="repository"/>'s pages or the source
    /// browser, relative images to the .crate's own copy (<paramref name="crateFiles"/>) or the repository; what
    /// resolves nowhere is dropped (links keep their words, images their alt text).
    /// </summary>
    public static string Sanitize(string html, RepositoryLinks? repository, string readmeDirectory = "", ReadmeCrateFiles? crateFiles = null)
    {
        var document = Parser.ParseDocument("<!doctype html><html><body></body></html>");
        var body = document.Body!;
        foreach (var node in Parser.ParseFragment(html, body).ToList()) body.AppendChild(node);
        CleanChildren(body, new Links(repository, readmeDirectory, crateFiles));
        AddHeadingAnchors(body);
        HighlightCode(body);
        return body.InnerHtml;
    }

    /// <summary>
    /// A "#" link at the end of every heading with an id (all have one: Markdig's GitHub-style identifiers), so a section
    /// can be linked like on GitHub. Added after cleaning: the link is ours, its target the heading's own (prefixed) id.
    /// </summary>
    private static void AddHeadingAnchors(IElement body)
    {
        foreach (var heading in body.QuerySelectorAll("h1[id], h2[id], h3[id], h4[id], h5[id], h6[id]").ToList())
        {
            var anchor = body.Owner!.CreateElement("a");
            anchor.SetAttribute("class", "heading-anchor");
            anchor.SetAttribute("href", "#" + heading.Id);
            anchor.SetAttribute("aria-label", "Link to this section: " + heading.TextContent.Trim());
            // No text of its own (the "#" is drawn by site.css): the heading's text stays what the author wrote.
            heading.AppendChild(anchor);
        }
    }

    /// <summary>
    /// Colours fenced code blocks whose language <see cref="CodeHighlighter"/> knows. Done after cleaning, from the
    /// block's text only: the spans are ours, the text inside them is text nodes, so nothing the README wrote becomes markup.
    /// </summary>
    private static void HighlightCode(IElement body)
    {
        foreach (var code in body.QuerySelectorAll("pre > code[class]").ToList())
        {
            var language = code.GetAttribute("class")!["language-".Length..];
            if (CodeHighlighter.Tokenize(code.TextContent, language) is not { } tokens) continue;
            var document = body.Owner!;
            code.TextContent = "";
            foreach (var token in tokens)
            {
                if (token.Class is null)
                {
                    code.AppendChild(document.CreateTextNode(token.Text));
                    continue;
                }
                var span = document.CreateElement("span");
                span.SetAttribute("class", token.Class);
                span.TextContent = token.Text;
                code.AppendChild(span);
            }
        }
    }

    private static void CleanChildren(INode parent, Links links)
    {
        foreach (var child in parent.ChildNodes.ToList())
        {
            switch (child)
            {
                case IElement element:
                    CleanElement(element, links);
                    break;
                case IText:
                    break;
                default:
                    // Comments (which can hide conditional markup), processing instructions, doctypes.
                    child.RemoveFromParent();
                    break;
            }
        }
    }

    private static void CleanElement(IElement element, Links links)
    {
        var tag = element.LocalName;
        if (element.NamespaceUri is not ("http://www.w3.org/1999/xhtml" or null) || Dropped.Contains(tag))
        {
            element.Remove();
            return;
        }
        if (!Allowed.Contains(tag))
        {
            CleanChildren(element, links);
            Unwrap(element);
            return;
        }
        CleanAttributes(element, tag);
        if (!CleanUrls(element, tag, links)) return;
        CleanChildren(element, links);
    }

    private static void CleanAttributes(IElement element, string tag)
    {
        var allowedHere = ElementAttributes.GetValueOrDefault(tag);
        foreach (var attribute in element.Attributes.ToList())
        {
            var name = attribute.LocalName;
            var keep = attribute.NamespaceUri is null && (GlobalAttributes.Contains(name) || (allowedHere?.Contains(name) ?? false));
            if (keep && name == "class") keep = tag == "code" ? LanguageClass().IsMatch(attribute.Value) : AlertClass().IsMatch(attribute.Value);
            if (keep && name is "width" or "height") keep = Dimension().IsMatch(attribute.Value.Trim());
            if (keep && name == "type" && tag == "input") keep = attribute.Value.Trim().Equals("checkbox", StringComparison.OrdinalIgnoreCase);
            if (!keep)
            {
                element.RemoveAttribute(name);
                continue;
            }
            if (name is "id" or "name" && !attribute.Value.StartsWith(IdPrefix, StringComparison.Ordinal))
            {
                element.SetAttribute(name, IdPrefix + attribute.Value);
            }
        }
        if (tag == "input")
        {
            // Only Markdig's task-list checkboxes: shown, never editable.
            if (element.GetAttribute("type") is null)
            {
                element.Remove();
                return;
            }
            element.SetAttribute("disabled", "disabled");
        }
    }

    /// <summary>Checks or rewrites href/src/srcset/cite. False when the element itself was removed.</summary>
    private static bool CleanUrls(IElement element, string tag, Links links)
    {
        if (element.Parent is null) return false;
        foreach (var name in new[] { "cite" })
        {
            if (element.GetAttribute(name) is { } value && UrlPolicy.Classify(value, allowMailto: false).Kind != UrlPolicy.Kind.Absolute) element.RemoveAttribute(name);
        }
        if (tag == "a" && element.GetAttribute("href") is { } href)
        {
            var (kind, url) = UrlPolicy.Classify(href, allowMailto: true);
            string? target = kind switch
            {
                UrlPolicy.Kind.Absolute => url,
                UrlPolicy.Kind.Fragment => url.Length > 1 && !url[1..].StartsWith(IdPrefix, StringComparison.Ordinal) ? "#" + IdPrefix + url[1..] : url,
                // The repository's page first (the README was written for it), else the file in the source browser.
                UrlPolicy.Kind.Relative => links.Repository?.Blob(links.ReadmeDirectory, url) ?? links.CrateFiles?.Source(links.ReadmeDirectory, url),
                _ => null,
            };
            if (target is null)
            {
                // Nothing to go to (a relative link without a known repository host, a refused scheme): the words
                // stay as plain text rather than a link that leads nowhere.
                CleanChildren(element, links);
                Unwrap(element);
                return false;
            }
            else
            {
                element.SetAttribute("href", target);
                // Links out of the page: no referrer, no window.opener, no ranking credit (the README is user content).
                if (!target.StartsWith('#')) element.SetAttribute("rel", "nofollow noopener noreferrer");
            }
        }
        if (tag == "img")
        {
            var (kind, url) = UrlPolicy.Classify(element.GetAttribute("src"), allowMailto: false);
            var target = kind switch
            {
                UrlPolicy.Kind.Absolute => url,
                // The .crate's own copy first: the exact bytes of this version, served without asking a git host.
                UrlPolicy.Kind.Relative => links.CrateFiles?.Image(links.ReadmeDirectory, url) ?? links.Repository?.Raw(links.ReadmeDirectory, url),
                _ => null,
            };
            if (target is null)
            {
                // Keep what the image meant to say.
                var alt = element.GetAttribute("alt");
                if (string.IsNullOrWhiteSpace(alt)) element.Remove();
                else element.Replace(element.Owner!.CreateTextNode(alt));
                return false;
            }
            element.SetAttribute("src", target);
            element.SetAttribute("loading", "lazy");
            element.SetAttribute("referrerpolicy", "no-referrer");
        }
        if (tag == "source" && element.GetAttribute("srcset") is { } srcset)
        {
            // srcset is "url [descriptor], url [descriptor]"; keep it only when every URL is absolute http(s).
            var urls = srcset.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(candidate => candidate.Split(' ', 2)[0]);
            if (!urls.All(u => UrlPolicy.Classify(u, allowMailto: false).Kind == UrlPolicy.Kind.Absolute)) element.RemoveAttribute("srcset");
        }
        return true;
    }

    /// <summary>Where relative URLs may point: the repository's host, and the files of the version's .crate.</summary>
    private sealed record Links(RepositoryLinks? Repository, string ReadmeDirectory, ReadmeCrateFiles? CrateFiles);

    private static void Unwrap(IElement element)
    {
        var parent = element.Parent;
        if (parent is null) return;
        foreach (var child in element.ChildNodes.ToList()) parent.InsertBefore(child, element);
        element.Remove();
    }
}

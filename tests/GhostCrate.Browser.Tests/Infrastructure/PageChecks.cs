namespace GhostCrate.Browser.Tests.Infrastructure;

/// <summary>The checks the page walks run in the page (JavaScript for <c>EvaluateAsync</c>); each returns what it found wrong.</summary>
public static class PageChecks
{
    /// <summary>
    /// WCAG 2.x contrast of every visible text against the background it is painted on (the first opaque background
    /// up the tree): at least 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold).
    /// </summary>
    public const string LowContrast = """
        () => {
          const rgba = c => { const m = c.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
          const lum = ({ r, g, b }) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
          const background = el => {
            const layers = [];
            for (let e = el; e; e = e.parentElement) {
              const c = rgba(getComputedStyle(e).backgroundColor);
              if (c.a > 0) { layers.push(c); if (c.a >= 1) break; }
            }
            let base = { r: 255, g: 255, b: 255 };
            for (const c of layers.reverse()) base = { r: c.r * c.a + base.r * (1 - c.a), g: c.g * c.a + base.g * (1 - c.a), b: c.b * c.a + base.b * (1 - c.a) };
            return base;
          };
          const problems = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          const seen = new Set();
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const el = n.parentElement;
            if (!el || seen.has(el) || !n.textContent.trim()) continue;
            seen.add(el);
            const s = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            if (s.visibility !== 'visible' || s.display === 'none' || box.width < 2 || box.height < 2 || el.closest('[aria-hidden=true], .visually-hidden, noscript, script, style, option')) continue;
            const fg = rgba(s.color);
            const bg = background(el);
            const mixed = { r: fg.r * fg.a + bg.r * (1 - fg.a), g: fg.g * fg.a + bg.g * (1 - fg.a), b: fg.b * fg.a + bg.b * (1 - fg.a) };
            const [hi, lo] = [lum(mixed), lum(bg)].sort((a, b) => b - a);
            const ratio = (hi + 0.05) / (lo + 0.05);
            const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight) >= 700;
            const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
            if (ratio < need) problems.push(`${ratio.toFixed(2)} < ${need}: <${el.tagName.toLowerCase()} class="${el.className}"> "${n.textContent.trim().slice(0, 40)}"`);
          }
          return problems;
        }
        """;

    /// <summary>Form controls without an accessible name (a label, aria-label, aria-labelledby, or a button's text).</summary>
    public const string UnlabelledControls = """
        () => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
          .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby') && !(e.tagName === 'BUTTON' && e.textContent.trim()))
          .map(e => e.outerHTML.slice(0, 200))
        """;

    /// <summary>How far the page scrolls sideways (0 when it fits the viewport).</summary>
    public const string SidewaysOverflow = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth";

    /// <summary>
    /// The elements reaching past the viewport whose parent does not (a table in a scroll box is fine, but an absolutely
    /// positioned child escapes it unless the box is positioned).
    /// </summary>
    public const string OverflowCulprits = """
        () => [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !(e.parentElement.getBoundingClientRect().right > document.documentElement.clientWidth + 1))
          .slice(0, 5).map(e => `<${e.tagName.toLowerCase()} class="${e.className}"> right=${Math.round(e.getBoundingClientRect().right)}`)
        """;

    /// <summary>Text glued to the screen's left edge (hard to read on a phone): everything keeps a margin.</summary>
    public const string TextAtTheEdge = """
        () => [...document.querySelectorAll('body *')]
          .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
          .filter(e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e); return r.width > 0 && r.height > 0 && s.visibility === 'visible' && r.left < 4 && !e.closest('.visually-hidden, .skip-link'); })
          .slice(0, 3).map(e => `<${e.tagName.toLowerCase()} class="${e.className}"> "${e.textContent.trim().slice(0, 30)}"`)
        """;

    /// <summary>The focused element when it shows no focus ring (outline or box shadow); '' when it does, null for none.</summary>
    public const string FocusWithoutRing = """
        () => {
          const e = document.activeElement;
          if (!e || e === document.body) return null;
          const s = getComputedStyle(e);
          const visible = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== 'none');
          return visible ? '' : `<${e.tagName.toLowerCase()} class="${e.className}"> "${(e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30)}"`;
        }
        """;
}

//! What the preview adds to pages in the browser: the reload script (every page, serve mode
//! only) and the error overlay (while the last rebuild failed).

use crate::diagnostics::Diagnostics;

/// Path of the server-sent events stream the script listens to.
pub const EVENTS_PATH: &str = "/__guichet/events";

/// The reload script, inserted before `</body>` of every HTML page of the preview.
///
/// On a `reload` event it remembers the scroll position (or the edited question, when the
/// server names one on this page) and reloads; after the reload it scrolls back there.
pub fn script() -> String {
    format!(
        r#"<script data-guichet-preview>
(function () {{
  var KEY = "guichet-preview";
  try {{
    var saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
    sessionStorage.removeItem(KEY);
    if (saved && saved.path === location.pathname) {{
      var target = saved.anchor && document.getElementById(saved.anchor);
      if (target) {{ target.scrollIntoView(); }} else {{ window.scrollTo(0, saved.y); }}
    }}
  }} catch (e) {{}}
  if (!window.EventSource) return;
  var events = new EventSource("{EVENTS_PATH}");
  events.addEventListener("reload", function (e) {{
    var info = {{}};
    try {{ info = JSON.parse(e.data); }} catch (err) {{}}
    var anchor = info.path === location.pathname ? info.anchor : null;
    try {{
      sessionStorage.setItem(KEY, JSON.stringify({{ path: location.pathname, y: window.scrollY, anchor: anchor }}));
    }} catch (err) {{}}
    location.reload();
  }});
}})();
</script>
"#
    )
}

/// The error overlay: every problem of the failed rebuild, with file and line, over the last
/// good page. Self-contained (inline style) so a broken theme cannot hide it.
pub fn overlay(errors: &Diagnostics) -> String {
    let count = errors.errors().count();
    let mut items = String::new();
    for d in errors.errors() {
        items.push_str("<li><pre>");
        items.push_str(&escape(&d.to_string()));
        items.push_str("</pre></li>");
    }
    format!(
        r#"<div id="guichet-error-overlay" role="alert" style="position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.93);color:#fff;font:16px/1.5 system-ui,sans-serif;padding:2rem">
<h2 style="margin-top:0;color:#ff8a80">The site was not rebuilt: {count} error(s)</h2>
<p>The page below is the last version that built. Fix the file named here and save it: this message disappears by itself.</p>
<ol style="padding-left:1.2rem">{items}</ol>
<style>#guichet-error-overlay pre{{white-space:pre-wrap;font:14px/1.4 ui-monospace,monospace;background:#000;padding:.75rem;border-radius:4px}}</style>
</div>
"#
    )
}

/// A page for when nothing has built yet: the overlay and the reload script.
pub fn bare_page(errors: &Diagnostics) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>guichet preview</title></head><body>\n{}{}</body></html>\n",
        overlay(errors),
        script()
    )
}

/// Inserts `html` before `</body>` (or at the end).
pub fn insert_before_body_end(page: &str, html: &str) -> String {
    let mut out = page.to_string();
    match out.rfind("</body>") {
        Some(i) => out.insert_str(i, html),
        None => out.push_str(html),
    }
    out
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostic;

    #[test]
    fn overlay_names_file_and_line_escaped() {
        let d = Diagnostic::error("content/fr/a.md", "bad <tag>").at(3, 1);
        let html = overlay(&Diagnostics(vec![d]));
        assert!(html.contains("content/fr/a.md:3:1: error: bad &lt;tag&gt;"), "{html}");
    }
}

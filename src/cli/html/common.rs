//! What both HTML pages share: escaping, number formatting and the base style sheet.

use factop::pipeline::chars::visible;
use std::borrow::Cow;

/// Escape text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_escaped(c, &mut out);
    }
    out
}

/// [`escape`] for text a person reads on the page (sentences, names, ids): each
/// character that would act unseen (a bidirectional control such as U+202E, a
/// zero-width space or joiner, a soft hyphen, a control character other than tab and
/// line ends) is replaced by a visible, boxed mark `<span class="cf" title="U+202E">`
/// showing its code point (or its control picture), so that it can neither reorder the
/// text around it nor hide in it.
pub fn escape_shown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut buf = [0u8; 4];
    for c in s.chars() {
        if c.is_ascii() && !c.is_ascii_control() || matches!(c, '\t' | '\n' | '\r') {
            push_escaped(c, &mut out);
            continue;
        }
        match visible(c.encode_utf8(&mut buf)) {
            Cow::Borrowed(_) => push_escaped(c, &mut out),
            Cow::Owned(shown) => {
                let mark = shown.trim_start_matches('<').trim_end_matches('>');
                out.push_str("<span class=\"cf\" title=\"");
                out.push_str(&format!("U+{:04X}", c as u32));
                out.push_str("\">");
                out.push_str(&escape(mark));
                out.push_str("</span>");
            }
        }
    }
    out
}

fn push_escaped(c: char, out: &mut String) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        c => out.push(c),
    }
}

/// `x` with `prec` decimals; `n/a` when not finite; never `-0.000`.
pub fn num(x: f64, prec: usize) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let s = format!("{x:.prec$}");
    match s.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
        _ => s,
    }
}

/// Colours and type shared by both HTML pages.
pub const BASE_CSS: &str = "\
:root{--fact:37,99,235;--opinion:234,88,12;--ink:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#f8fafc}
*{box-sizing:border-box}
body{margin:0;padding:24px 32px 48px;font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Liberation Sans\",\"DejaVu Sans\",Arial,sans-serif;color:var(--ink);background:var(--bg)}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:17px;margin:0 0 10px}
small,.note,.sub{color:var(--muted)}
.sub{margin:0 0 20px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 18px;margin:0 0 20px}
.swatch{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:6px;vertical-align:-1px}
.swatch.fact{background:rgb(var(--fact))}
.swatch.opinion{background:rgb(var(--opinion))}
table{border-collapse:collapse}
th,td{padding:4px 10px;text-align:left;vertical-align:top}
.cf{font:11px/1 ui-monospace,monospace;color:#b91c1c;border:1px solid currentColor;border-radius:2px;padding:0 2px;margin:0 1px;unicode-bidi:isolate}
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_are_marked_and_the_rest_escaped() {
        assert_eq!(
            escape_shown("<b>ok</b> \u{627}\ttab\nline"),
            "&lt;b&gt;ok&lt;/b&gt; \u{627}\ttab\nline"
        );
        assert_eq!(
            escape_shown("x\u{202E}y\u{AD}z\u{1b}"),
            "x<span class=\"cf\" title=\"U+202E\">U+202E</span>y<span class=\"cf\" title=\"U+00AD\">U+00AD</span>z<span class=\"cf\" title=\"U+001B\">\u{241B}</span>"
        );
    }
}

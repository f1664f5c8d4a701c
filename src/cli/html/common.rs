//! What both HTML pages share: escaping, number formatting and the base style sheet.

/// Escape text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
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
";

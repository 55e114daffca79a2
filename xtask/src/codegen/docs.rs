//! Converts the model's HTML documentation into rustdoc Markdown.
//!
//! The output never contains Rust code blocks (every fence is ```` ```text ````)
//! and never starts a line with indentation, so no doc test is ever created.

/// Converts HTML to Markdown lines (without the `///` prefix); links
/// without a web address become plain text.
pub fn html_to_markdown(html: &str) -> Vec<String> {
    html_to_markdown_with(html, &|_| None)
}

/// Converts HTML to Markdown lines. A link without a web address (the
/// models' `<a>SendMessage</a>`) becomes an intra-doc link to the path
/// `resolve` gives for its text (the label alone when the path is empty),
/// or plain text when it gives none.
pub fn html_to_markdown_with(html: &str, resolve: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    let mut out = String::new();
    let mut chars = html.char_indices().peekable();
    let mut in_pre = false;
    let mut in_code = false;
    let mut link: Option<String> = None;
    // Where the text of a link without a web address starts in `out`.
    let mut local_link: Option<usize> = None;
    let mut list_depth: usize = 0;
    while let Some((i, c)) = chars.next() {
        if c == '<' {
            let rest = &html[i..];
            let Some(end) = rest.find('>') else {
                out.push_str("&lt;");
                continue;
            };
            let tag = &rest[1..end];
            for _ in 0..end {
                chars.next();
            }
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            match (name.as_str(), closing) {
                // Inside a list item, paragraphs run together on the item's line.
                ("p", _) | ("div", _) if list_depth > 0 => out.push(' '),
                ("p", _) | ("div", _) => out.push_str("\n\n"),
                ("br", _) => out.push('\n'),
                ("ul", false) | ("ol", false) => {
                    list_depth += 1;
                    out.push('\n');
                }
                ("ul", true) | ("ol", true) => {
                    list_depth = list_depth.saturating_sub(1);
                    out.push_str("\n\n");
                }
                ("li", false) => out.push_str("\n- "),
                ("li", true) => {}
                ("code", _) if !in_pre => {
                    in_code = !closing;
                    out.push('`');
                }
                ("pre", false) => {
                    in_pre = true;
                    out.push_str("\n\n```text\n");
                }
                ("pre", true) => {
                    in_pre = false;
                    out.push_str("\n```\n\n");
                }
                ("b", _) | ("strong", _) => out.push_str("**"),
                ("i", _) | ("em", _) => out.push('*'),
                ("a", false) => {
                    link = attribute(tag, "href").filter(|h| h.starts_with("http"));
                    if link.is_some() {
                        out.push('[');
                    } else {
                        local_link = Some(out.len());
                    }
                }
                ("a", true) => {
                    if let Some(href) = link.take() {
                        out.push_str("](");
                        out.push_str(
                            &href
                                .replace(' ', "%20")
                                .replace('(', "%28")
                                .replace(')', "%29"),
                        );
                        out.push(')');
                    } else if let Some(start) = local_link.take() {
                        let text = out[start..].trim().to_string();
                        // A code span cannot hold a link: its text stays.
                        if let Some(path) = resolve(&text).filter(|_| !in_code) {
                            out.truncate(start);
                            let lead = if out.ends_with(' ') { "" } else { " " };
                            let lead = if out.is_empty() { "" } else { lead };
                            out.push_str(&format!("{lead}[`{text}`]"));
                            // An empty path: the label alone names the item
                            // (one in the module being written).
                            if !path.is_empty() {
                                out.push_str(&format!("({path})"));
                            }
                        }
                    }
                }
                ("h1", _) | ("h2", _) | ("h3", _) | ("h4", _) => out.push_str("\n\n"),
                _ => {}
            }
            continue;
        }
        if c == '&' {
            let rest = &html[i..];
            if let Some(end) = rest[..rest.len().min(10)].find(';') {
                let entity = &rest[1..end];
                let text = match entity {
                    "lt" => Some("<"),
                    "gt" => Some(">"),
                    "amp" => Some("&"),
                    "quot" => Some("\""),
                    "apos" | "#39" => Some("'"),
                    "nbsp" => Some(" "),
                    _ => None,
                };
                if let Some(t) = text {
                    for _ in 0..end {
                        chars.next();
                    }
                    push_text(&mut out, t, in_pre);
                    continue;
                }
            }
        }
        let mut buf = [0u8; 4];
        push_text(&mut out, c.encode_utf8(&mut buf), in_pre);
    }
    tidy(&out)
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].to_string())
}

/// Appends text, escaping what Markdown/rustdoc would misread.
fn push_text(out: &mut String, text: &str, in_pre: bool) {
    for c in text.chars() {
        if in_pre {
            if c == '`' {
                out.push('\'');
            } else {
                out.push(c);
            }
            continue;
        }
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            // Brackets would become (broken) intra-doc links; `<`/`>` HTML tags.
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '*' => out.push_str("\\*"),
            '_' => out.push('_'),
            _ => out.push(c),
        }
    }
}

/// Trims lines, collapses blank runs and repeated spaces.
fn tidy(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut in_fence = false;
    for raw in text.split('\n') {
        let line = if in_fence {
            raw.trim_end().to_string()
        } else {
            let mut s = String::new();
            let mut space = false;
            for c in raw.trim().chars() {
                if c == ' ' {
                    if !space {
                        s.push(' ');
                    }
                    space = true;
                } else {
                    s.push(c);
                    space = false;
                }
            }
            // A bare `- ` list marker without text is noise.
            if s == "-" {
                continue;
            }
            s
        };
        if line.starts_with("```") {
            in_fence = !in_fence;
        }
        if line.is_empty() && lines.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    if in_fence {
        lines.push("```".to_string());
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    // Unbalanced backticks would swallow the rest of the comment.
    for l in &mut lines {
        if !l.starts_with("```") && l.matches('`').count() % 2 == 1 {
            *l = l.replace('`', "");
        }
    }
    for l in &mut lines {
        if !l.starts_with("```") && l.contains("http") {
            *l = autolink(l);
        }
    }
    // A list item's continuation must be indented or separated (clippy's
    // doc_lazy_continuation): put a blank line after each list block.
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for l in lines {
        if let Some(prev) = out.last() {
            if prev.starts_with("- ") && !l.is_empty() && !l.starts_with("- ") {
                out.push(String::new());
            }
        }
        out.push(l);
    }
    out
}

/// Wraps bare web addresses in `<…>` so rustdoc makes them links (outside
/// code spans and Markdown links).
fn autolink(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        let linkable = !in_code && !out.ends_with("](") && !out.ends_with('<');
        if let Some(url) = linkable.then(|| bare_address(rest)).flatten() {
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        if c == '`' {
            in_code = !in_code;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The web address `text` starts with, without trailing punctuation, if
/// it has a host: not a bare scheme ("http://") nor EC2's "https://.."
/// placeholder.
fn bare_address(text: &str) -> Option<&str> {
    if !(text.starts_with("http://") || text.starts_with("https://")) {
        return None;
    }
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    let url = text[..end].trim_end_matches(['.', ',', ';', ':', ')', '"', '\'']);
    let (_, host) = url.split_once("://")?;
    (!host.is_empty() && !host.starts_with('.')).then_some(url)
}

/// Renders doc lines as `///` comments with the given indentation.
pub fn doc_comment(lines: &[String], indent: &str) -> String {
    let mut s = String::new();
    for l in lines {
        if l.is_empty() {
            s.push_str(indent);
            s.push_str("///\n");
        } else {
            s.push_str(indent);
            s.push_str("/// ");
            s.push_str(l);
            s.push('\n');
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_common_markup() {
        let md = html_to_markdown(
            "<p>Sends a <code>message</code> to <a href=\"https://x.y/z\">the queue</a>.</p><ul><li><p>One</p></li><li>Two [x]</li></ul><p>After</p>",
        );
        assert_eq!(
            md,
            vec![
                "Sends a `message` to [the queue](https://x.y/z).",
                "",
                "- One",
                "- Two \\[x\\]",
                "",
                "After"
            ]
        );
    }

    #[test]
    fn links_without_an_address_resolve_or_become_text() {
        let resolve = |name: &str| match name {
            "SendMessage" => Some("crate::Client::send_message".to_string()),
            // An item of the module being written: the label alone.
            "Message" => Some(String::new()),
            _ => None,
        };
        let md = html_to_markdown_with(
            "<p>See <a>SendMessage</a>, <a>Message</a>, <a>Unknown</a> and <code><a>SendMessage</a></code>.</p>",
            &resolve,
        );
        assert_eq!(
            md,
            vec!["See [`SendMessage`](crate::Client::send_message), [`Message`], Unknown and `SendMessage`."]
        );
    }

    #[test]
    fn bare_addresses_become_links() {
        let md = html_to_markdown(
            "<p>See https://x.y/z. Or <a href=\"https://a.b\">this</a>, not <code>http://c.d</code></p>",
        );
        assert_eq!(
            md,
            vec!["See <https://x.y/z>. Or [this](https://a.b), not `http://c.d`"]
        );
        // Parentheses inside an address are escaped, or the link breaks
        // (IoT FleetWise's VSS link).
        assert_eq!(
            html_to_markdown("<p><a href=\"https://w.org/Spec_(VSS)/Data\">VSS</a> is</p>"),
            vec!["[VSS](https://w.org/Spec_%28VSS%29/Data) is"]
        );
        // In parentheses, as Greengrass writes it: still a bare address.
        assert_eq!(
            html_to_markdown("<p>the package (https://x.y/z) as a library</p>"),
            vec!["the package (<https://x.y/z>) as a library"]
        );
        assert_eq!(
            html_to_markdown("<p>a https URL (https://..) or (s3://..)</p>"),
            vec!["a https URL (https://..) or (s3://..)"]
        );
    }

    #[test]
    fn never_emits_indented_code() {
        let md = html_to_markdown("<pre><code>  let x = 1;\n  y</code></pre>");
        assert_eq!(md[0], "```text");
        assert!(md
            .iter()
            .filter(|l| !l.starts_with("```"))
            .all(|l| !l.is_empty()));
        assert_eq!(md.last().unwrap(), "```");
    }
}

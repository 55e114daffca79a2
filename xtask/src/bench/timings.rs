//! Where a clean build's time goes: the slowest units of cargo's
//! `--timings` report (`cargo-timings/cargo-timing.html` in the target dir).

use std::path::Path;

use serde_json::Value;

/// The `top` slowest units (`name [target]`, seconds) of the timing report
/// in `target_dir`, or nothing when there is none.
pub fn slowest_units(target_dir: &Path, top: usize) -> Vec<(String, f64)> {
    let html = target_dir.join("cargo-timings/cargo-timing.html");
    std::fs::read_to_string(html)
        .ok()
        .map(|text| parse(&text, top))
        .unwrap_or_default()
}

fn parse(html: &str, top: usize) -> Vec<(String, f64)> {
    let Some(start) = html.find("const UNIT_DATA = ") else {
        return Vec::new();
    };
    let rest = &html[start + "const UNIT_DATA = ".len()..];
    let end = rest.find(";\n").unwrap_or(rest.len());
    let Ok(Value::Array(units)) = serde_json::from_str::<Value>(&rest[..end]) else {
        return Vec::new();
    };
    let mut out: Vec<(String, f64)> = units
        .iter()
        .map(|u| {
            let name = u["name"].as_str().unwrap_or("?");
            let target = u["target"].as_str().unwrap_or("").trim();
            let label = if target.is_empty() {
                name.to_string()
            } else {
                format!("{name} {target}")
            };
            (label, u["duration"].as_f64().unwrap_or(0.0))
        })
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    out.truncate(top);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_unit_data() {
        let html = "<script>\nconst UNIT_DATA = [\
            {\"name\":\"a\",\"target\":\"\",\"duration\":1.5},\
            {\"name\":\"b\",\"target\":\" build-script (run)\",\"duration\":4.0}];\n</script>";
        let units = super::parse(html, 1);
        assert_eq!(units, vec![("b build-script (run)".to_string(), 4.0)]);
        assert!(super::parse("<html></html>", 3).is_empty());
    }
}

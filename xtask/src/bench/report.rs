//! The results table: rows of myaws vs a peer with their ratio and target,
//! printed to the console and written as JSON and Markdown.

use serde_json::{json, Map, Value};

/// A target on the ratio myaws / peer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Goal {
    /// The ratio must be at most this.
    AtMost(f64),
    /// The ratio must be at least this.
    AtLeast(f64),
}

impl Goal {
    fn text(self) -> String {
        match self {
            Goal::AtMost(t) => format!("≤ {t}"),
            Goal::AtLeast(t) => format!("≥ {t}"),
        }
    }
}

/// One figure measured for myaws and for a peer.
#[derive(Debug, Clone)]
pub struct Row {
    /// Metric name (what, unit).
    pub metric: String,
    /// myaws's figure.
    pub myaws: Option<f64>,
    /// The peer's figure.
    pub peer: Option<f64>,
    /// Which peer (`aws-sdk-rust` or `boto3`).
    pub peer_name: &'static str,
    /// The target on myaws / peer, if any.
    pub goal: Option<Goal>,
    /// Free text (how measured, reused, skipped).
    pub note: String,
}

impl Row {
    /// A row with no target.
    pub fn new(metric: impl Into<String>, myaws: Option<f64>, peer: Option<f64>) -> Row {
        Row {
            metric: metric.into(),
            myaws,
            peer,
            peer_name: "aws-sdk-rust",
            goal: None,
            note: String::new(),
        }
    }

    /// Sets the target.
    pub fn goal(mut self, goal: Goal) -> Row {
        self.goal = Some(goal);
        self
    }

    /// Sets the peer's name.
    pub fn peer(mut self, name: &'static str) -> Row {
        self.peer_name = name;
        self
    }

    /// Sets the note.
    pub fn note(mut self, note: impl Into<String>) -> Row {
        self.note = note.into();
        self
    }

    /// myaws / peer.
    pub fn ratio(&self) -> Option<f64> {
        match (self.myaws, self.peer) {
            (Some(m), Some(p)) if p != 0.0 && m.is_finite() && p.is_finite() => Some(m / p),
            _ => None,
        }
    }

    /// `met`, `MISSED by N%` or `-` (no target or no figures).
    pub fn status(&self) -> String {
        let (Some(goal), Some(r)) = (self.goal, self.ratio()) else {
            return "-".into();
        };
        let (met, off) = match goal {
            Goal::AtMost(t) => (r <= t, r / t - 1.0),
            Goal::AtLeast(t) => (r >= t, 1.0 - r / t),
        };
        if met {
            "met".into()
        } else {
            format!("MISSED by {:.0}%", off * 100.0)
        }
    }

    fn cells(&self) -> [String; 7] {
        [
            self.metric.clone(),
            fmt(self.myaws),
            format!("{} ({})", fmt(self.peer), self.peer_name),
            self.ratio().map_or("-".into(), |r| format!("{r:.3}")),
            self.goal.map_or("-".into(), Goal::text),
            self.status(),
            self.note.clone(),
        ]
    }

    fn to_json(&self) -> Value {
        json!({
            "metric": self.metric,
            "myaws": self.myaws,
            "peer": self.peer,
            "peer_name": self.peer_name,
            "ratio": self.ratio(),
            "target": self.goal.map(Goal::text),
            "status": self.status(),
            "note": self.note,
        })
    }
}

/// A figure with three significant digits or so.
fn fmt(v: Option<f64>) -> String {
    match v {
        None => "-".into(),
        Some(v) if !v.is_finite() => "-".into(),
        Some(v) if v.abs() >= 100.0 => format!("{v:.0}"),
        Some(v) if v.abs() >= 10.0 => format!("{v:.1}"),
        Some(v) => format!("{v:.3}"),
    }
}

const HEADER: [&str; 7] = [
    "metric",
    "myaws",
    "peer",
    "ratio myaws/peer",
    "target",
    "status",
    "note",
];

/// The whole run's results.
#[derive(Debug, Default)]
pub struct Report {
    /// Table rows, in order.
    pub rows: Vec<Row>,
    /// Context: mode, versions, load averages, raw driver reports.
    pub meta: Map<String, Value>,
}

impl Report {
    /// Adds a row and prints it at once (the run is long).
    pub fn push(&mut self, row: Row) {
        let c = row.cells();
        println!(
            "bench: {} | myaws {} | {} | ratio {} | target {} | {}",
            c[0], c[1], c[2], c[3], c[4], c[5]
        );
        self.rows.push(row);
    }

    /// Records a context value.
    pub fn set(&mut self, key: &str, value: Value) {
        self.meta.insert(key.to_string(), value);
    }

    /// The report as JSON.
    pub fn to_json(&self) -> Value {
        json!({
            "meta": Value::Object(self.meta.clone()),
            "rows": self.rows.iter().map(Row::to_json).collect::<Vec<_>>(),
        })
    }

    /// The table as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("| {} |\n|", HEADER.join(" | "));
        out.push_str(&"---|".repeat(HEADER.len()));
        out.push('\n');
        for row in &self.rows {
            let cells: Vec<String> = row.cells().iter().map(|c| c.replace('|', "\\|")).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        out
    }

    /// The table aligned for a terminal.
    pub fn to_text(&self) -> String {
        let rows: Vec<[String; 7]> = self.rows.iter().map(Row::cells).collect();
        let mut widths = HEADER.map(|h| h.chars().count());
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(widths)
                .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
                .collect();
            padded.join("  ").trim_end().to_string() + "\n"
        };
        let mut out = line(&HEADER.map(String::from));
        for r in &rows {
            out.push_str(&line(r));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_and_status() {
        let row = Row::new("x", Some(1.0), Some(4.0)).goal(Goal::AtMost(0.25));
        assert_eq!(row.ratio(), Some(0.25));
        assert_eq!(row.status(), "met");
        let row = Row::new("x", Some(1.0), Some(2.0)).goal(Goal::AtMost(0.25));
        assert_eq!(row.status(), "MISSED by 100%");
        let row = Row::new("x", Some(1.0), Some(1.0)).goal(Goal::AtLeast(1.3));
        assert_eq!(row.status(), "MISSED by 23%");
        assert_eq!(Row::new("x", None, Some(1.0)).status(), "-");
    }

    #[test]
    fn renders_every_row() {
        let mut r = Report::default();
        r.rows
            .push(Row::new("a | b", Some(1.5), Some(3.0)).note("n"));
        assert!(r.to_markdown().contains("a \\| b"));
        assert_eq!(r.to_text().lines().count(), 2);
        assert_eq!(r.to_json()["rows"][0]["ratio"], json!(0.5));
    }
}

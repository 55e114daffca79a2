//! Totals of the `test result:` lines that `cargo test` prints per test
//! binary, so `cargo xtask test` can close with one overall line.

use std::fmt;

/// Passed, failed and ignored tests summed over test binaries.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TestCounts {
    /// Tests that passed.
    pub passed: u64,
    /// Tests that failed.
    pub failed: u64,
    /// Tests ignored (`#[ignore]`).
    pub skipped: u64,
    /// How many `test result:` lines were added.
    pub binaries: u64,
}

impl TestCounts {
    /// Adds `line` if it is a libtest summary such as
    /// `test result: ok. 4 passed; 0 failed; 1 ignored; 0 measured; ...`.
    pub fn add_line(&mut self, line: &str) {
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            return;
        };
        self.binaries += 1;
        for part in rest.split(';') {
            let mut words = part.split_whitespace().rev();
            let (Some(label), Some(number)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(number) = number.parse::<u64>() else {
                continue;
            };
            match label {
                "passed" => self.passed += number,
                "failed" => self.failed += number,
                "ignored" => self.skipped += number,
                _ => {}
            }
        }
    }
}

impl fmt::Display for TestCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_result_lines_and_ignores_the_rest() {
        let mut counts = TestCounts::default();
        for line in [
            "running 5 tests",
            "test result: ok. 4 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.79s",
            "test something ... ok",
            "test result: FAILED. 10 passed; 2 failed; 0 ignored; 0 measured; 3 filtered out; finished in 1.00s",
        ] {
            counts.add_line(line);
        }
        assert_eq!(
            counts,
            TestCounts {
                passed: 14,
                failed: 2,
                skipped: 1,
                binaries: 2
            }
        );
        assert_eq!(counts.to_string(), "14 passed, 2 failed, 1 skipped");
    }
}

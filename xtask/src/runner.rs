//! `cargo xtask demo` and `cargo xtask test`.

/// Runs the quickstart against a local moto server.
pub fn demo(_a: &[String]) -> Result<(), String> {
    Err("todo".into())
}

/// Runs every check and test.
pub fn test(_a: &[String]) -> Result<(), String> {
    Err("todo".into())
}

//! Unit tests of the public API; the compliance suite runs from
//! `xtask/tests/jmespath_vectors.rs`.

use super::*;
use serde_json::json;

#[test]
fn searches_and_falls_back() {
    let doc = json!({"NextMarker": null, "Contents": [{"Key": "a"}, {"Key": "b"}]});
    let e = Expr::compile("NextMarker || Contents[-1].Key").unwrap();
    assert_eq!(e.search(&doc), json!("b"));
    let doc = json!({"NextMarker": "m", "Contents": [{"Key": "a"}]});
    assert_eq!(e.search(&doc), json!("m"));
    assert_eq!(e.as_str(), "NextMarker || Contents[-1].Key");
    // A type error at run time is null, not a failure.
    let e = Expr::compile("length(Missing)").unwrap();
    assert_eq!(e.search(&doc), Json::Null);
    let err = e.try_search(&doc).unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidType);
    assert!(err.message.contains("length()"), "{err}");
    let err = Expr::compile("Contents[").unwrap_err();
    assert!(err.to_string().contains("Contents["), "{err}");
    assert_eq!(err.kind, ErrorKind::Syntax);
}

#[test]
fn search_data_is_reusable() {
    let doc = json!({"a": {"b": [1, 2, 3]}});
    let data = SearchData::new(&doc);
    for (expr, want) in [
        ("a.b[1]", json!(2)),
        ("a.b[-1:0:-1]", json!([3, 2])),
        ("sum(a.b)", json!(6)),
    ] {
        assert_eq!(
            Expr::compile(expr).unwrap().search_in(&data),
            want,
            "{expr}"
        );
    }
}

#[test]
fn waiter_and_paginator_idioms() {
    let doc = json!({
        "Reservations": [
            {"Instances": [{"State": {"Name": "running"}}, {"State": {"Name": "pending"}}]},
            {"Instances": [{"State": {"Name": "running"}}]}
        ],
        "Table": {"TableStatus": "ACTIVE"},
        "IsTruncated": true,
        "Contents": [{"Key": "a", "Size": 3}, {"Key": "b", "Size": 1}]
    });
    for (expr, want) in [
        (
            "Reservations[].Instances[].State.Name",
            json!(["running", "pending", "running"]),
        ),
        ("length(Reservations[].Instances[]) > `0`", json!(true)),
        ("Table.TableStatus", json!("ACTIVE")),
        ("Contents[?Size > `2`].Key", json!(["a"])),
        ("sort_by(Contents, &Size)[0].Key", json!("b")),
        ("max_by(Contents, &Size).Key", json!("a")),
        ("Contents[*].{k: Key}", json!([{"k": "a"}, {"k": "b"}])),
        ("IsTruncated && Contents[-1].Key", json!("b")),
        ("Missing.Deeper[0]", json!(null)),
        ("'b' > 'a'", json!(true)),
        ("`1` < 'a'", json!(null)),
    ] {
        let e = Expr::compile(expr).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(e.search(&doc), want, "{expr}");
    }
}

#[test]
fn numbers_stay_integers() {
    let doc = json!({"i": [1, 2, 3], "f": [1.5, 2.5], "big": [9223372036854775807_i64, 1]});
    for (expr, want) in [
        ("sum(i)", "6"),
        ("sum(f)", "4.0"),
        ("avg(i)", "2.0"),
        ("ceil(`1.5`)", "2"),
        ("floor(`-1.5`)", "-2"),
        ("abs(`-3`)", "3"),
        ("abs(`-9223372036854775808`)", "9223372036854775808"),
        ("sum(big)", "9.223372036854776e+18"),
        ("to_number('12')", "12"),
        ("to_number('1e3')", "1000.0"),
        ("to_number('inf')", "null"),
        ("max(f)", "2.5"),
    ] {
        let got = Expr::compile(expr).unwrap().search(&doc);
        assert_eq!(got.to_string(), want, "{expr}");
    }
}

#[test]
fn compile_errors_have_kinds() {
    for (expr, kind) in [
        ("foo[", ErrorKind::Syntax),
        ("nope(@)", ErrorKind::UnknownFunction),
        ("abs(`1`, `2`)", ErrorKind::InvalidArity),
        ("not_null()", ErrorKind::InvalidArity),
        ("foo[::0]", ErrorKind::InvalidValue),
        ("\"length\"(@)", ErrorKind::Syntax),
    ] {
        let err = Expr::compile(expr).unwrap_err();
        assert_eq!(err.kind, kind, "{expr}: {err}");
        assert_eq!(err.expression, expr);
    }
}

#[test]
fn depth_is_limited() {
    // Just inside the limit: compiles and evaluates.
    let nested =
        |n: usize, open: &str, close: &str| format!("{}a{}", open.repeat(n), close.repeat(n));
    let doc = json!({"a": 1});
    let ok = nested(MAX_DEPTH - 1, "(", ")");
    assert_eq!(Expr::compile(&ok).unwrap().search(&doc), json!(1));
    let ok = format!("{}a", "!".repeat(MAX_DEPTH - 1));
    assert!(Expr::compile(&ok).is_ok());
    // Deep through recursion of the parser, and through trees that grow
    // without it (left-associative operators, repeated flattens).
    for deep in [
        nested(MAX_DEPTH + 1, "(", ")"),
        nested(100_000, "(", ")"),
        nested(100_000, "[", "]"),
        nested(100_000, "{a: ", "}"),
        nested(100_000, "abs(", ")"),
        format!("{}a", "!".repeat(100_000)),
        format!("{}a", "& ".repeat(100_000)),
        format!("a{}", "[]".repeat(100_000)),
        format!("a{}", "[*]".repeat(100_000)),
        format!("a{}", " || a".repeat(100_000)),
        format!("a{}", " == a".repeat(100_000)),
        format!("a{}", ".*".repeat(100_000)),
        format!("a{}", "[?a]".repeat(100_000)),
    ] {
        let err = Expr::compile(&deep).unwrap_err();
        assert_eq!(err.kind, ErrorKind::TooDeep, "{}", &deep[..20]);
        assert!(err.message.contains("256"), "{err}");
    }
    // Long flat paths are not deep.
    let path = vec!["a"; 10_000].join(".");
    assert_eq!(Expr::compile(&path).unwrap().search(&doc), Json::Null);
    let pipes = vec!["a"; 10_000].join(" | ");
    assert!(Expr::compile(&pipes).is_ok());
    let indices = format!("a{}", "[0]".repeat(10_000));
    assert!(Expr::compile(&indices).is_ok());
}

#[test]
fn deepest_expressions_fit_a_small_stack() {
    // The shapes with the largest frames per level, at the depth limit,
    // compile and search on a 2 MiB thread (a tokio worker's stack) even in
    // a debug build; `[1]` literals make every level of `map` and `sort_by`
    // really recurse.
    let n = MAX_DEPTH - 1;
    let half = MAX_DEPTH / 2 - 1;
    let shapes = [
        format!("{}a{}", "[a, ".repeat(n), "]".repeat(n)),
        format!("{}a{}", "{a: ".repeat(n), "}".repeat(n)),
        format!("{}a{}", "abs(".repeat(n), ")".repeat(n)),
        format!("{}a{}", "(".repeat(n), ")".repeat(n)),
        format!("{}a", "!".repeat(n)),
        format!("{}a{}", "map(&".repeat(half), ", `[1]`)".repeat(half)),
        format!("{}@{}", "sort_by(`[1]`, &".repeat(half), ")".repeat(half)),
        format!("a{}", "[?a]".repeat(half)),
        format!("a{}", ".*".repeat(half)),
        format!("a{}", " || a".repeat(n)),
    ];
    let worker = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let doc = json!({"a": [[1]]});
            for shape in &shapes {
                let e = Expr::compile(shape).unwrap_or_else(|e| panic!("{e}"));
                let _ = e.search(&doc);
            }
        })
        .unwrap();
    worker.join().unwrap();
}

#[test]
fn malformed_expressions_do_not_panic() {
    for bad in [
        "",
        " ",
        "[",
        "]",
        "{",
        "}",
        "(",
        ")",
        "&",
        "!",
        "@@",
        "a..b",
        "a[1:2:3:4]",
        "a[-]",
        "a[--1]",
        "`",
        "'",
        "\"",
        "\"\\",
        "`\\",
        "'\\",
        "a{b}",
        "a.{b: }",
        "f(",
        "abs(,)",
        "abs(@,)",
        "[1",
        "[?",
        "a[?b",
        "a[*",
        "a.*.",
        "a |",
        "a ||",
        "a &&",
        "a ==",
        "a <",
        "|| a",
        "a[9223372036854775808]",
        "a[-9223372036854775809:]",
        "`{\"a\": `",
        "\u{0}",
        "a\u{301}",
        "é",
        "[::-9223372036854775808]",
    ] {
        // Either result is fine; what matters is no panic and no hang.
        if let Ok(e) = Expr::compile(bad) {
            let _ = e.search(&json!({"a": [1, 2, {"b": "c"}]}));
        }
    }
}

#[test]
fn random_expressions_do_not_panic() {
    // Random token soup: every compiled expression must evaluate without
    // panicking, whatever the document.
    const PIECES: &[&str] = &[
        "a",
        "b",
        "\"a\"",
        "@",
        ".",
        "*",
        "[",
        "]",
        "[]",
        "[?",
        "{",
        "}",
        "(",
        ")",
        ",",
        ":",
        "|",
        "||",
        "&&",
        "&",
        "!",
        "==",
        "<",
        ">=",
        "`1`",
        "`[1,[2]]`",
        "'s'",
        "0",
        "-1",
        "length",
        "sort_by",
        "max",
        "to_number",
        "merge",
        "not_null",
        "map",
        "keys",
        " ",
    ];
    let doc = json!({"a": [1, [2, 3], {"a": "x", "b": [true, null]}], "b": {"a": 1.5}});
    let mut rng = fastrand::Rng::with_seed(7);
    let mut compiled = 0;
    for _ in 0..30_000 {
        let len = rng.usize(1..16);
        let expr: String = (0..len)
            .map(|_| PIECES[rng.usize(..PIECES.len())])
            .collect();
        if let Ok(e) = Expr::compile(&expr) {
            compiled += 1;
            let _ = e.search(&doc);
            let _ = e.search(&json!(null));
        }
    }
    assert!(compiled > 100, "only {compiled} compiled");
}

#[test]
fn python_truthiness_and_equality() {
    for v in [
        json!(null),
        json!(false),
        json!(0),
        json!(""),
        json!([]),
        json!({}),
    ] {
        assert!(!truthy(&v), "{v}");
    }
    for v in [
        json!(true),
        json!(1),
        json!("x"),
        json!([0]),
        json!({"a": 1}),
    ] {
        assert!(truthy(&v), "{v}");
    }
    assert!(py_eq(&json!(1), &json!(1.0)));
    assert!(py_eq(&json!({"a": [1]}), &json!({"a": [1.0]})));
    assert!(!py_eq(&json!("1"), &json!(1)));
    assert!(!py_eq(&json!([1, 2]), &json!([1])));
}

#[test]
fn sets_dotted_paths() {
    let mut doc = json!({"A": {"B": 1}, "X": 3});
    set_value(&mut doc, "A.C", json!([1]));
    set_value(&mut doc, "X.Y", json!("z"));
    set_value(&mut doc, "New.Deep.Key", json!(true));
    assert_eq!(
        doc,
        json!({"A": {"B": 1, "C": [1]}, "X": {"Y": "z"}, "New": {"Deep": {"Key": true}}})
    );
    let mut scalar = json!(5);
    set_value(&mut scalar, "K", json!(1));
    assert_eq!(scalar, json!({"K": 1}));
}

//! The stages point one way: `parse → lower → plan → emit` (and `diff`,
//! beside `emit`), over the foundation every stage may use (`pointer`,
//! `error`, `ir`, `naming`), with `skip` driving them. A module may use only
//! modules of a lower rank than its own; so no stage imports a later one and
//! there are no import cycles (see ARCHITECTURE.md, "Architecture
//! Invariant"). This reads every `crate::` path in `generator/src` outside
//! comments. And every refusal is the plan's: no emitter constructs one, no
//! plan holds tokens.

mod common;

use std::path::Path;

/// Each top-level module of the generator and its rank.
const RANKS: &[(&str, u8)] = &[
    ("pointer", 0),
    ("error", 1),
    ("ir", 2),
    ("naming", 3),
    ("parse", 4),
    ("lower", 5),
    ("plan", 6),
    ("emit", 7),
    ("diff", 7),
    ("skip", 8),
];

fn rank(module: &str) -> Option<u8> {
    // The crate root re-exports `error::{Error, Result}` and `pointer::Pointer`.
    let module = match module {
        "Error" | "Result" => "error",
        "Pointer" => "pointer",
        other => other,
    };
    RANKS.iter().find(|(name, _)| *name == module).map(|(_, rank)| *rank)
}

/// A line of code without its comment and string literals, or `None` for
/// tokens of generated code (`quote!(crate::models::)` names the generated
/// crate, not this one).
fn code(line: &str) -> Option<String> {
    let code = line.split("//").next().unwrap_or("");
    if code.contains("quote!") {
        return None;
    }
    Some(bare(code))
}

/// Code without its string literals.
fn bare(code: &str) -> String {
    let mut out = String::new();
    let mut in_string = false;
    for c in code.chars() {
        if c == '"' {
            in_string = !in_string;
        } else if !in_string {
            out.push(c);
        }
    }
    out
}

/// The top-level modules a line of code names as `crate::<module>`, and in
/// `use crate::{a, b}` lists.
fn named_modules(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(list) = after.strip_prefix('{') {
            let end = list.find('}').unwrap_or(list.len());
            for item in list[..end].split(',') {
                let name: String = item.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    found.push(name);
                }
            }
        } else {
            let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            found.push(name);
        }
        rest = after;
    }
    found
}

#[test]
fn stages_import_only_earlier_stages() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let all = common::rust_files(&src);
    let mut backward = Vec::new();
    for path in &all {
        let relative = path.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
        let module = first.trim_end_matches(".rs").to_owned();
        if module == "lib" {
            continue;
        }
        let own = rank(&module).unwrap_or_else(|| panic!("{}: add `{module}` to RANKS", relative.display()));
        let text = std::fs::read_to_string(path).unwrap();
        for (i, line) in text.lines().enumerate() {
            let Some(code) = code(line) else { continue };
            for used in named_modules(&code) {
                if used == module {
                    continue;
                }
                let theirs =
                    rank(&used).unwrap_or_else(|| panic!("{}:{}: unknown module `{used}`", relative.display(), i + 1));
                if theirs >= own {
                    backward.push(format!(
                        "{}:{}: `{module}` uses `{used}`: {}",
                        relative.display(),
                        i + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(backward.is_empty(), "imports against the stage order:\n{}", backward.join("\n"));
}

#[test]
fn the_check_sees_backward_imports() {
    assert_eq!(named_modules("use crate::emit::models::UNKNOWN;"), ["emit"]);
    assert_eq!(named_modules("use crate::{ir::Api, skip};"), ["ir", "skip"]);
    assert_eq!(named_modules("let x = crate::naming::unraw(&crate::lower::lower(d));"), ["naming", "lower"]);
    assert_eq!(code(r#"f("crate::models", x) // crate::emit"#).as_deref(), Some("f(, x) "));
    assert_eq!(code("let m = quote!(crate::models::);"), None);
    assert_eq!(rank("Pointer"), rank("pointer"));
}

/// The code lines (comments and string literals left out) of every file
/// under `src/<dir>`, with their place.
fn code_lines(dir: &str) -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    for path in common::rust_files(&src.join(dir)) {
        let relative = path.strip_prefix(&src).unwrap().display().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, line) in text.lines().enumerate() {
            out.push((format!("{relative}:{}", i + 1), bare(line.split("//").next().unwrap_or(""))));
        }
    }
    out
}

/// Every refusal is the plan's: emitters read plans and cannot refuse (they
/// fail only on their own bugs, `Error::Emit`). See ARCHITECTURE.md,
/// "Architecture Invariant: emitters cannot refuse".
#[test]
fn emitters_never_construct_a_refusal() {
    let refusals: Vec<String> = code_lines("emit")
        .into_iter()
        .filter(|(_, code)| code.contains("unsupported(") || code.contains("Unsupported"))
        .map(|(at, code)| format!("{at}: {}", code.trim()))
        .collect();
    assert!(
        refusals.is_empty(),
        "refusals outside the plan (move them into generator/src/plan/):\n{}",
        refusals.join("\n")
    );
}

/// Plans are plain data: no tokens.
#[test]
fn plans_hold_no_tokens() {
    let tokens: Vec<String> = code_lines("plan")
        .into_iter()
        .filter(|(_, code)| ["proc_macro2", "quote", "syn::", "TokenStream"].iter().any(|t| code.contains(t)))
        .map(|(at, code)| format!("{at}: {}", code.trim()))
        .collect();
    assert!(tokens.is_empty(), "tokens in the plan:\n{}", tokens.join("\n"));
}

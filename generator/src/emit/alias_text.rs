//! A models file's type aliases (`pub type Origins = Vec<String>;`, the
//! named maps and arrays of a spec) written as text ([`super::text`]), as
//! `prettyplease` prints what [`super::models`] quotes: on one line, or a
//! generic's arguments a line each; `None` where that does not fit either
//! (the caller then quotes it).

use super::text::{Lines, generic_args};

/// `pub type {name} = {ty};` after its doc lines (`docs`: [`super::doc_text`]'s).
pub(super) fn alias(name: &str, docs: &[String], ty: &str) -> Option<String> {
    let mut lines = Lines::new();
    lines.docs(0, docs);
    let flat = format!("pub type {name} = {ty};");
    if Lines::fits(0, flat.len()) {
        lines.raw(0, &flat);
        return lines.finish();
    }
    let (head, args) = generic_args(ty)?;
    lines.line(0, &format!("pub type {name} = {head}<"));
    for arg in args {
        lines.line(4, &format!("{arg},"));
    }
    lines.raw(0, ">;");
    lines.finish()
}

#[cfg(test)]
mod tests {
    use super::super::{FileText, doc_lines, doc_text, ident};
    use super::*;
    use crate::pointer::Pointer;

    /// Names and types of every length around `prettyplease`'s margin: the
    /// text is what it prints of the quoted alias, or is not written.
    #[test]
    fn text_is_what_prettyplease_prints_at_every_width() {
        let (mut texts, mut total) = (0, 0);
        for len in 1..=110 {
            let name = format!("T{}", "x".repeat(len - 1));
            let named = format!("N{}", "y".repeat(len / 2));
            let types = [
                "::std::vec::Vec<::std::string::String>".to_owned(),
                "::std::collections::BTreeMap<::std::string::String, ::std::string::String>".to_owned(),
                format!("::std::collections::BTreeMap<::std::string::String, ::std::vec::Vec<{named}>>"),
                format!(
                    "::std::option::Option<::std::vec::Vec<::std::collections::BTreeMap<::std::string::String, {named}>>>"
                ),
                format!("::std::vec::Vec<::std::vec::Vec<{named}>>"),
                named.clone(),
                "::serde_json::Value".to_owned(),
            ];
            let docs = ["An alias.".to_owned(), format!("With a line of {len} bytes: {}", "z".repeat(len))];
            for ty in &types {
                total += 1;
                let lines = doc_text(docs.iter().map(String::as_str));
                let Some(text) = alias(&name, &lines, ty) else { continue };
                texts += 1;
                let (doc_attrs, id) = (doc_lines(docs.iter().map(String::as_str)), ident(&name));
                let rust: proc_macro2::TokenStream = ty.parse().expect("a type");
                let mut quoted = FileText::new("");
                quoted.tokens(quote::quote!(#doc_attrs pub type #id = #rust;), &Pointer::root()).expect("parse");
                let mut written = FileText::new("");
                written.text(&text);
                assert_eq!(written.finish(), quoted.finish(), "{name} = {ty}");
            }
        }
        // Those with names and types longer than any line are quoted.
        assert!(texts * 10 > total * 4, "{texts} of {total} aliases as text");
    }
}

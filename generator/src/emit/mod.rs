//! IR and plan → Rust source. Each emitter reads the plan
//! ([`crate::plan`]), builds tokens with `quote`, and [`format`] turns them
//! into a file with `prettyplease`. Emitters cannot refuse: every
//! `Error::Unsupported` is the plan's; an emitter fails only with
//! `Error::Emit`, on a bug of its own.
//!
//! - [`models`]: the model types (structs, enums, maps, aliases).
//! - [`client`]: the async HTTP client.
//! - [`server`]: axum server traits and router.
//! - [`validate`]: constraint checks (the models' `validation` module, and
//!   checks for parameters the client and server emitters call).
//! - [`krate`]: a standalone crate around the emitted files.

mod alias_text;
pub(crate) mod body_fields;
pub mod client;
mod enum_text;
pub mod krate;
pub mod models;
pub mod server;
mod stmt_text;
mod struct_text;
mod text;
pub mod validate;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::{Error, Result};
use crate::ir::{Constraints, Primitive, Shape, Type};
use crate::pointer::Pointer;

/// Where generated files find the runtime crate (`runtime/`, `openapi-runtime`)
/// in the workspace; standalone crates carry a copy of it as `crate::runtime`
/// (see [`krate`]).
pub const RUNTIME_CRATE: &str = "::openapi_runtime";

/// The tokens of a path prefix (`::openapi_runtime::`) for `path`.
fn runtime_path(path: &str, at: &Pointer) -> Result<TokenStream> {
    format!("{path}::")
        .parse()
        .map_err(|e| Error::Emit { pointer: at.clone(), message: format!("runtime path `{path}`: {e}") })
}

/// A generated file's text: the `@generated` header, then the formatted tokens.
pub fn format(header: &str, tokens: TokenStream, pointer: &Pointer) -> Result<String> {
    let mut file = FileText::new(header);
    file.tokens(tokens, pointer)?;
    Ok(file.finish())
}

/// A generated file's text, built item by item: items given as tokens are
/// parsed and printed one at a time with `prettyplease` (so the syntax tree
/// of the whole file never exists at once: GitHub's models are 30 MB of
/// it), items given as text ([`text`]) are appended as they are. Items are
/// separated by one blank line.
pub struct FileText {
    out: String,
    /// No item yet: inner attributes (`#![...]`, `//!`) may still come.
    first: bool,
}

impl FileText {
    /// A file that starts with `header`'s lines as `//` comments.
    pub fn new(header: &str) -> Self {
        let mut out = String::new();
        for line in header.lines() {
            out.push_str("// ");
            out.push_str(line);
            out.push('\n');
        }
        out.push('\n');
        FileText { out, first: true }
    }

    /// One item's text, already formatted as `prettyplease` would.
    pub fn text(&mut self, text: &str) {
        if !self.first {
            self.out.push_str("\n\n");
        }
        self.first = false;
        self.out.push_str(text.trim_end());
    }

    /// Items as tokens (the first call may start with inner attributes).
    pub fn tokens(&mut self, tokens: TokenStream, pointer: &Pointer) -> Result<()> {
        // prettyplease separates items with no blank line; one item at a time
        // keeps them apart, which reads better and diffs better.
        let items = |input: syn::parse::ParseStream<'_>| -> syn::Result<()> {
            let attrs = if self.first { input.call(syn::Attribute::parse_inner)? } else { Vec::new() };
            let mut file = syn::File { shebang: None, frontmatter: None, attrs, items: Vec::new() };
            if !file.attrs.is_empty() {
                self.text(&prettyplease::unparse(&file));
                file.attrs.clear();
            }
            while !input.is_empty() {
                file.items = vec![input.parse()?];
                self.text(&prettyplease::unparse(&file));
            }
            Ok(())
        };
        syn::parse::Parser::parse2(items, tokens)
            .map_err(|e| Error::Emit { pointer: pointer.clone(), message: e.to_string() })
    }

    /// An item written as text ([`text`]), or where that gave up, quoted.
    pub fn text_or_tokens(
        &mut self,
        text: Option<String>,
        tokens: impl FnOnce() -> TokenStream,
        pointer: &Pointer,
    ) -> Result<()> {
        match text {
            Some(text) => {
                self.text(&text);
                Ok(())
            }
            None => self.tokens(tokens(), pointer),
        }
    }

    /// The file's text, ending in a newline.
    pub fn finish(mut self) -> String {
        self.out.push('\n');
        self.out
    }
}

/// An identifier from a name the IR made (`r#match` becomes a raw identifier).
pub fn ident(name: &str) -> proc_macro2::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => format_ident!("r#{}", raw),
        None => format_ident!("{}", name),
    }
}

/// `#[doc]` attributes, one per line, so prettyplease prints `///` comments.
/// Lines are trimmed on the right; blank runs collapse to one blank line.
pub fn doc_lines<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let attrs = doc_text(paragraphs).into_iter().map(|line| quote!(#[doc = #line]));
    quote!(#(#attrs)*)
}

/// The same as inner `#![doc]` attributes (`//!` comments), for a file's own docs.
pub fn inner_doc_lines<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let attrs = doc_text(paragraphs).into_iter().map(|line| quote!(#![doc = #line]));
    quote!(#(#attrs)*)
}

/// [`inner_doc_lines`] as the text `prettyplease` prints for them: a `//!`
/// line each.
pub fn inner_doc_text<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> String {
    let mut text = String::new();
    for line in doc_text(paragraphs) {
        text.push_str("//!");
        text.push_str(&line);
        text.push('\n');
    }
    text
}

/// The docs section that lists what the generator approximated
/// ([`crate::Warning`]s), for the crate's and the models' docs; `None`
/// without warnings.
pub fn approximations(api: &crate::ir::Api) -> Option<String> {
    if api.warnings.is_empty() {
        return None;
    }
    let mut text = String::from(
        "# Approximations\n\nThe generator expressed these constructs of the spec less precisely than the spec \
         says (the wire form stays exact):\n",
    );
    for warning in &api.warnings {
        text.push_str(&format!("\n- `{}`: {}", warning.pointer, warning.message));
    }
    Some(text)
}

/// Paragraphs → doc lines, each with the leading space rustdoc expects.
fn doc_text<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for paragraph in paragraphs {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        for line in paragraph.trim().lines() {
            let line = line.trim_end();
            if line.is_empty() && lines.last().is_some_and(String::is_empty) {
                continue;
            }
            // Tabs as four spaces (clippy's `tabs_in_doc_comments`; GitHub's
            // descriptions have tables aligned with tabs).
            lines.push(line.replace('\t', "    "));
        }
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines.into_iter().map(|line| if line.is_empty() { line } else { format!(" {line}") }).collect()
}

/// The spec's constraints, as the keywords it states them with.
pub fn describe_constraints(c: &Constraints) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut push = |key: &str, value: Option<String>| {
        if let Some(value) = value {
            parts.push(format!("`{key}: {value}`"));
        }
    };
    push("minLength", c.min_length.map(|v| v.to_string()));
    push("maxLength", c.max_length.map(|v| v.to_string()));
    push("pattern", c.pattern.as_ref().map(|p| format!("{p:?}")));
    let bound = |b: &crate::ir::Bound| format!("{}{}", b.value, if b.exclusive { " (exclusive)" } else { "" });
    push("minimum", c.minimum.as_ref().map(bound));
    push("maximum", c.maximum.as_ref().map(bound));
    push("multipleOf", c.multiple_of.map(|v| v.to_string()));
    push("minItems", c.min_items.map(|v| v.to_string()));
    push("maxItems", c.max_items.map(|v| v.to_string()));
    push("uniqueItems", c.unique_items.then(|| "true".to_owned()));
    push("minProperties", c.min_properties.map(|v| v.to_string()));
    push("maxProperties", c.max_properties.map(|v| v.to_string()));
    (!parts.is_empty()).then(|| format!("Constraints: {}.", parts.join(", ")))
}

/// The Rust type for a use of a type. `models` is the path prefix of the
/// model types (empty inside the models module itself).
pub fn rust_type(ty: &Type, models: &TokenStream) -> TokenStream {
    let inner = shape_type(&ty.shape, models);
    if ty.nullable { quote!(::std::option::Option<#inner>) } else { inner }
}

fn shape_type(shape: &Shape, models: &TokenStream) -> TokenStream {
    match shape {
        Shape::Primitive(p) => primitive_type(*p),
        Shape::Array(item) => {
            let item = rust_type(item, models);
            quote!(::std::vec::Vec<#item>)
        }
        Shape::Map(value) => {
            let value = rust_type(value, models);
            quote!(::std::collections::BTreeMap<::std::string::String, #value>)
        }
        Shape::Named(name) => {
            let name = ident(name);
            quote!(#models #name)
        }
        Shape::Any => quote!(::serde_json::Value),
    }
}

fn primitive_type(p: Primitive) -> TokenStream {
    match p {
        // Base64 text (`format: byte`) and `format: binary` inside JSON stay
        // the strings they are on the wire.
        Primitive::String | Primitive::Bytes(_) => quote!(::std::string::String),
        Primitive::DateTime => quote!(::chrono::DateTime<::chrono::Utc>),
        Primitive::Date => quote!(::chrono::NaiveDate),
        Primitive::Int32 => quote!(i32),
        Primitive::Int64 => quote!(i64),
        Primitive::Float => quote!(f32),
        Primitive::Double => quote!(f64),
        Primitive::Bool => quote!(bool),
    }
}

#[cfg(test)]
mod tests {
    use super::doc_text;

    #[test]
    fn doc_lines_keep_paragraphs_and_turn_tabs_into_spaces() {
        assert_eq!(
            doc_text(["| a\t| b |\n\n\n| c |", "", "next"]),
            [" | a    | b |", "", " | c |", "", "", " next"].map(String::from)
        );
    }
}

//! Function bodies written as text ([`super::text`]) without modelling
//! every layout `prettyplease` has: each statement is written flat, on one
//! line, where it surely fits within the margin; a statement that does not
//! (or whose layout is not modelled: a `match`, a closure with a block) is
//! parsed from its flat text and printed by `prettyplease` alone, inside
//! empty blocks nested as deep as the place it goes, so that it gets the
//! lines it would get in the whole item. `prettyplease` lays out each
//! statement of a block on its own (statements are separated by hard
//! breaks), so the lines are the same; tests compare both paths.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};

use super::text::Lines;

/// Room kept below the margin: a line this close to it is left to
/// `prettyplease`, whatever it counts after the construct (a `;`, ` {`).
const SLACK: usize = 2;

/// Whether `len` bytes at `indent` surely print on one line.
pub fn surely_fits(indent: usize, len: usize) -> bool {
    Lines::fits(indent, len + SLACK)
}

/// A piece of a function body.
pub enum Code {
    /// A statement or tail expression on one line where it fits.
    Line(String),
    /// `head(args)tail`: on one line, or the arguments a line each
    /// ([`super::text::call`]).
    Call(String, Vec<String>, &'static str),
    /// `head {`, statements, `}` (an `if`, a `for`, a block), on its lines
    /// where `head` fits: `prettyplease` always breaks a non-empty block.
    Block(String, Vec<Code>),
    /// A statement `prettyplease` never breaks (`let path: &str = "..";`).
    Fixed(String),
    /// Lines laid out by the caller (indents relative to the piece's), as
    /// they are where each surely fits (or cannot break: [`unbreakable`]);
    /// else `flat` for `prettyplease`.
    Laid(Vec<(usize, String)>, String),
    /// `head` broken over lines (indents relative to the piece's),
    /// statements a level deeper than it starts, `}`; else `flat`, the
    /// head on one line, for `prettyplease`.
    BrokenBlock(Vec<(usize, String)>, String, Vec<Code>),
    /// Flat text `prettyplease` lays out (its layout is not modelled here).
    Pretty(String),
    /// Tokens `prettyplease` lays out (from an emitter that quotes).
    Tokens(TokenStream),
    /// `head`, fields a level deeper, `tail` (a struct expression that
    /// never fits on one line).
    Rigid(String, Vec<Field>, String),
}

/// A line of a [`Code::Rigid`] piece.
#[derive(Clone)]
pub struct Field {
    /// On one line (with its comma).
    pub flat: String,
    /// Its lines where `flat` does not fit (indents relative to the field's).
    pub broken: Option<Vec<(usize, String)>>,
    /// Whether `prettyplease` prints it flat where it fits (not a block).
    pub may_be_flat: bool,
}

impl Field {
    /// A field that is flat where it fits.
    pub fn flat(text: String) -> Field {
        Field { flat: text, broken: None, may_be_flat: true }
    }
}

/// Whether `text` at `indent` surely prints on one line (`Some(true)`),
/// surely not (`Some(false)`), or either (`None`: left to `prettyplease`).
pub fn fits_or_not(indent: usize, len: usize) -> Option<bool> {
    if surely_fits(indent, len) {
        Some(true)
    } else if !Lines::fits(indent, len) {
        Some(false)
    } else {
        None
    }
}

impl Code {
    /// The code as flat text (for `prettyplease` to parse).
    fn flat(&self, out: &mut String) {
        match self {
            Code::Line(text) | Code::Fixed(text) | Code::Pretty(text) | Code::Laid(_, text) => out.push_str(text),
            Code::BrokenBlock(_, head, body) => flat_block(head, body, out),
            Code::Call(head, args, tail) => {
                let _ = write!(out, "{head}({}){tail}", args.join(", "));
            }
            Code::Tokens(tokens) => {
                let _ = write!(out, "{tokens}");
            }
            Code::Block(head, body) => flat_block(head, body, out),
            Code::Rigid(head, fields, tail) => {
                out.push_str(head);
                for field in fields {
                    out.push(' ');
                    out.push_str(&field.flat);
                }
                out.push(' ');
                out.push_str(tail);
            }
        }
    }

    /// Appends the code's lines at `indent` (a multiple of 4, at least 8);
    /// `None` when `prettyplease` could not read its flat text (a bug).
    pub fn write(&self, out: &mut String, indent: usize) -> Option<()> {
        match self {
            Code::Line(text) if surely_fits(indent, text.len()) => line(out, indent, text),
            Code::Call(head, args, tail) => {
                let mut lines = Lines::new();
                super::text::call(&mut lines, indent, head, &args.iter().map(String::as_str).collect::<Vec<_>>(), tail);
                match lines.finish() {
                    Some(text) => out.push_str(&text),
                    None => return self.pretty(out, indent),
                }
            }
            Code::Block(head, body) if !body.is_empty() && surely_fits(indent, head.len()) => {
                line(out, indent, head);
                for code in body {
                    code.write(out, indent + 4)?;
                }
                line(out, indent, "}");
            }
            Code::Fixed(text) => line(out, indent, text),
            Code::BrokenBlock(head, _, body)
                if !body.is_empty()
                    && head.iter().all(|(at, l)| unbreakable(l) || surely_fits(indent + at, l.len())) =>
            {
                for (at, l) in head {
                    line(out, indent + at, l);
                }
                for code in body {
                    code.write(out, indent + 4)?;
                }
                line(out, indent, "}");
            }
            Code::Laid(lines, _) if lines.iter().all(|(at, l)| unbreakable(l) || surely_fits(indent + at, l.len())) => {
                for (at, l) in lines {
                    line(out, indent + at, l);
                }
            }
            Code::Rigid(head, fields, tail)
                if surely_fits(indent, head.len())
                    && surely_fits(indent, tail.len())
                    && !Lines::fits(indent, self.flat_len()) =>
            {
                let at = indent + 4;
                let mut text = String::new();
                for field in fields {
                    if field.may_be_flat && surely_fits(at, field.flat.len()) {
                        line(&mut text, at, &field.flat);
                        continue;
                    }
                    match &field.broken {
                        Some(lines)
                            if !Lines::fits(at, field.flat.len())
                                && lines.iter().all(|(rel, l)| unbreakable(l) || surely_fits(at + rel, l.len())) =>
                        {
                            for (rel, l) in lines {
                                line(&mut text, at + rel, l);
                            }
                        }
                        _ => return self.pretty(out, indent),
                    }
                }
                line(out, indent, head);
                out.push_str(&text);
                line(out, indent, tail);
            }
            _ => return self.pretty(out, indent),
        }
        Some(())
    }

    fn flat_len(&self) -> usize {
        let mut flat = String::new();
        self.flat(&mut flat);
        flat.len()
    }

    /// The code as `prettyplease` prints it at `indent`.
    fn pretty(&self, out: &mut String, indent: usize) -> Option<()> {
        let mut flat = String::new();
        self.flat(&mut flat);
        pretty(out, indent, &flat)
    }
}

/// Pieces as tokens (lexed from their flat text), for the emitters that
/// quote; were the text ever not Rust, the generated code says so.
pub fn tokens(codes: &[Code]) -> TokenStream {
    let mut flat = String::new();
    for code in codes {
        code.flat(&mut flat);
        flat.push(' ');
    }
    flat.parse().unwrap_or_else(|error: proc_macro2::LexError| {
        let message = format!("the generator wrote code that does not lex ({error}): {flat}");
        quote::quote!(compile_error!(#message);)
    })
}

/// A block's `head` and statements, flat.
fn flat_block(head: &str, body: &[Code], out: &mut String) {
    out.push_str(head);
    for code in body {
        out.push(' ');
        code.flat(out);
    }
    out.push_str(" }");
}

/// A line `prettyplease` cannot break, however long: a path or a name
/// and its comma (`crate::models::Item,`).
pub fn unbreakable(line: &str) -> bool {
    line.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b','))
}

fn line(out: &mut String, indent: usize, text: &str) {
    out.extend(std::iter::repeat_n(' ', indent));
    out.push_str(text);
    out.push('\n');
}

/// Statements given as flat text, as `prettyplease` prints them at `indent`
/// (remembered: the same statements recur in a file, `let documented = ..`).
pub fn pretty(out: &mut String, indent: usize, flat: &str) -> Option<()> {
    thread_local! {
        static PRINTED: RefCell<HashMap<(usize, String), String>> = RefCell::new(HashMap::new());
    }
    let key = (indent, flat.to_owned());
    if let Some(text) = PRINTED.with(|printed| printed.borrow().get(&key).cloned()) {
        out.push_str(&text);
        return Some(());
    }
    let mut text = String::new();
    statements(&mut text, indent, flat.parse().ok()?)?;
    out.push_str(&text);
    PRINTED.with(|printed| {
        let mut printed = printed.borrow_mut();
        // A bound on what one thread keeps across files.
        if printed.len() >= 4096 {
            printed.clear();
        }
        printed.insert(key, text);
    });
    Some(())
}

/// Statements, as `prettyplease` prints them in a block at `indent`: inside
/// `fn f() { { .. } }`, as many blocks deep, after a statement of its own
/// (a block of one expression could be printed on one line; a block with a
/// statement never is).
pub fn statements(out: &mut String, indent: usize, code: TokenStream) -> Option<()> {
    let depth = indent / 4 - 1;
    let mut body: TokenStream = "x;".parse().ok()?;
    body.extend(code);
    for _ in 0..depth {
        body = TokenStream::from(TokenTree::Group(Group::new(Delimiter::Brace, body)));
    }
    let mut item: TokenStream = "fn f()".parse().ok()?;
    item.extend([TokenTree::Group(Group::new(Delimiter::Brace, body))]);
    let mut text = String::new();
    unwrap_lines(&mut text, item, depth + 1)?;
    let (own, rest) = text.split_once('\n')?;
    (own.trim() == "x;").then(|| out.push_str(rest))
}

/// An item inside an `impl` (at 4 spaces), as `prettyplease` prints it.
pub fn impl_item(out: &mut String, flat: &str) -> Option<()> {
    let body: TokenStream = flat.parse().ok()?;
    let mut item: TokenStream = "impl X".parse().ok()?;
    item.extend([TokenTree::Group(Group::new(Delimiter::Brace, body))]);
    unwrap_lines(out, item, 1)
}

/// A field of a struct (at 4 spaces), as `prettyplease` prints it.
pub fn field(out: &mut String, flat: &str) -> Option<()> {
    let body: TokenStream = flat.parse().ok()?;
    let mut item: TokenStream = "struct X".parse().ok()?;
    item.extend([TokenTree::Group(Group::new(Delimiter::Brace, body))]);
    unwrap_lines(out, item, 1)
}

/// The lines of `item` printed by `prettyplease`, without the first and
/// last `wrapping` lines (the wrappers' own).
fn unwrap_lines(out: &mut String, item: TokenStream, wrapping: usize) -> Option<()> {
    let file = syn::File { shebang: None, frontmatter: None, attrs: Vec::new(), items: vec![syn::parse2(item).ok()?] };
    let text = prettyplease::unparse(&file);
    let lines: Vec<&str> = text.lines().collect();
    for l in lines.get(wrapping..lines.len().checked_sub(wrapping)?)? {
        out.push_str(l);
        out.push('\n');
    }
    Some(())
}

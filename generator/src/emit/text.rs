//! Items written as text, the way `prettyplease` prints them, for the
//! regular items that make up most of a large API's files (a struct's
//! definition and serde impls): quoting them as tokens, re-parsing the
//! tokens with syn and printing the tree costs several times more than
//! writing the text (GitHub's models: most of their generation time).
//!
//! A text item is written with every line that holds variable content
//! (names, wire strings, types) in the layout `prettyplease` chooses when
//! that content fits on one line: [`Lines`] notes any such line that would
//! not fit within `prettyplease`'s margin, and the caller then emits the
//! item as tokens instead, so that the output stays byte-identical whatever
//! the names' lengths. Tests compare both paths on every fixture and on
//! names of every length around the margin.

use std::fmt::Write as _;

/// `prettyplease`'s line width (its `MARGIN`) and the least room it leaves
/// a deeply indented line (`MIN_SPACE`).
const MARGIN: usize = 89;
const MIN_SPACE: usize = 60;

/// An item's lines, and whether each fitted `prettyplease`'s margin.
pub struct Lines {
    out: String,
    fits: bool,
}

impl Lines {
    pub fn new() -> Self {
        Lines { out: String::with_capacity(1024), fits: true }
    }

    /// Whether `len` bytes of content at `indent` print on one line.
    pub fn fits(indent: usize, len: usize) -> bool {
        len <= MARGIN.saturating_sub(indent).max(MIN_SPACE)
    }

    /// A line of code at `indent` spaces (a line `prettyplease` would have
    /// broken marks the item as not writable as text).
    pub fn line(&mut self, indent: usize, content: &str) {
        if !Self::fits(indent, content.len()) {
            self.fits = false;
        }
        self.raw(indent, content);
    }

    /// Marks the item as not writable as text (a layout not modelled here).
    pub fn give_up(&mut self) {
        self.fits = false;
    }

    /// A line as it is (a comment: `prettyplease` never breaks one).
    pub fn raw(&mut self, indent: usize, content: &str) {
        self.out.extend(std::iter::repeat_n(' ', indent));
        self.out.push_str(content);
        self.out.push('\n');
    }

    /// Lines laid out elsewhere (by [`super::stmt_text::Code::write`]), as
    /// they are.
    pub fn laid(&mut self, text: &str) {
        self.out.push_str(text);
    }

    /// Doc comment lines (`///`) from [`super::doc_text`]'s lines.
    pub fn docs(&mut self, indent: usize, lines: &[String]) {
        for line in lines {
            self.out.extend(std::iter::repeat_n(' ', indent));
            let _ = writeln!(self.out, "///{line}");
        }
    }

    /// The item's text, for an item without any line that could break.
    pub fn into_text(self) -> String {
        self.out
    }

    /// The item's text, or `None` where a line did not fit.
    pub fn finish(self) -> Option<String> {
        self.fits.then_some(self.out)
    }
}

/// How `prettyplease` prints a breakable construct: on one line, or broken.
pub enum Fit {
    Flat,
    Broken,
}

/// The layout of a construct `flat` bytes long at `indent` (with whatever
/// `prettyplease` counts after it: the comma after a field or a struct
/// expression's field, ` {` after a header; not the comma after a match
/// arm, as the tests show at every width): on one line when it fits.
pub fn choose(indent: usize, flat: usize) -> Fit {
    if Lines::fits(indent, flat) { Fit::Flat } else { Fit::Broken }
}

/// `head(args)tail`: on one line, or the arguments a line each.
pub fn call(lines: &mut Lines, indent: usize, head: &str, args: &[&str], tail: &str) {
    let flat = format!("{head}({})", args.join(", "));
    match choose(indent, flat.len() + tail.len()) {
        Fit::Flat => lines.raw(indent, &format!("{flat}{tail}")),
        Fit::Broken => {
            lines.line(indent, &format!("{head}("));
            for arg in args {
                // A literal or a name: nothing `prettyplease` could break.
                if arg.starts_with('"') || !arg.contains(['.', ' ']) {
                    lines.raw(indent + 4, &format!("{arg},"));
                } else {
                    lines.line(indent + 4, &format!("{arg},"));
                }
            }
            lines.raw(indent, &format!("){tail}"));
        }
    }
}

/// The head and parameters of a function whose signature is always too long
/// for one line (the return type follows).
pub fn signature(lines: &mut Lines, indent: usize, head: &str, params: &[&str]) {
    lines.raw(indent, &format!("{head}("));
    for param in params {
        lines.raw(indent + 4, &format!("{param},"));
    }
}

/// `impl .. for Name {`: on one line, or `for Name {` on the next.
pub fn impl_header(lines: &mut Lines, head: &str, name: &str) {
    match choose(0, head.len() + 5 + name.len() + 2) {
        Fit::Flat => lines.raw(0, &format!("{head} for {name} {{")),
        Fit::Broken => {
            lines.line(0, head);
            lines.raw(0, &format!("for {name} {{"));
        }
    }
}

/// A string literal as `quote` writes a `&str` (and `prettyplease` prints it).
pub fn lit(value: &str) -> String {
    proc_macro2::Literal::string(value).to_string()
}

/// `Head<A, B>` as `Head` and its top-level arguments.
pub fn generic_args(ty: &str) -> Option<(&str, Vec<&str>)> {
    let open = ty.find('<')?;
    let inner = ty[open + 1..].strip_suffix('>')?;
    let (mut args, mut depth, mut start) = (Vec::new(), 0usize, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth = depth.checked_sub(1)?,
            ',' if depth == 0 => {
                args.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    args.push(inner[start..].trim());
    (depth == 0).then_some((&ty[..open], args))
}

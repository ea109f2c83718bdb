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

/// A string literal as `quote` writes a `&str` (and `prettyplease` prints it).
pub fn lit(value: &str) -> String {
    proc_macro2::Literal::string(value).to_string()
}

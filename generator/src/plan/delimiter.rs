//! What separates the items of a list sent in one value (`explode: false`),
//! for both emitters: the client joins the items with it, the server's
//! runtime splits the decoded value at it.

use crate::ir::Style;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimiter {
    /// `form` (and `simple`): `,`.
    Comma,
    /// `spaceDelimited`: a space (`%20`, `+` or literal on the wire).
    Space,
    /// `pipeDelimited`: `|` (literal or `%7C` on the wire).
    Pipe,
}

impl Delimiter {
    /// The delimiter of `style`: `,` for `form`, `simple` and any other.
    pub fn of(style: Style) -> Delimiter {
        match style {
            Style::SpaceDelimited => Delimiter::Space,
            Style::PipeDelimited => Delimiter::Pipe,
            _ => Delimiter::Comma,
        }
    }

    /// The character items cannot contain: servers decode the value before
    /// splitting it at this, so it is one in any encoding.
    pub fn char(self) -> char {
        match self {
            Delimiter::Comma => ',',
            Delimiter::Space => ' ',
            Delimiter::Pipe => '|',
        }
    }

    /// As the client writes it between items: commas and pipes literal, a
    /// space as `%20`.
    pub fn encoded(self) -> &'static str {
        match self {
            Delimiter::Comma => ",",
            Delimiter::Space => "%20",
            Delimiter::Pipe => "|",
        }
    }

    /// The style that uses it in the query.
    pub fn style(self) -> Style {
        match self {
            Delimiter::Comma => Style::Form,
            Delimiter::Space => Style::SpaceDelimited,
            Delimiter::Pipe => Style::PipeDelimited,
        }
    }
}

//! The set of texts one segment of a path template matches, and how two
//! such sets compare: what [`super::routes`] orders the templates of one
//! route by, and how it finds a template no request can reach.
//!
//! A segment template is literal text and parameters (`{name}.json`,
//! `v{major}.{minor}`); a parameter stands for one or more characters of any
//! kind (the server matches the percent-decoded segment, where a value may
//! contain the literal text around it). So a template is a regular
//! language of a simple form, and inclusion is decided exactly: both
//! templates as automata over the characters their literal parts use plus
//! one character standing for every other, determinized on the fly
//! (templates are short).

use std::collections::{BTreeSet, VecDeque};

use super::routes::Piece;

/// One step of a template's automaton.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Atom {
    /// This character.
    Char(char),
    /// Any one character (a parameter's first).
    Any,
    /// Any characters, none included (the rest of a parameter).
    AnyMore,
}

/// A segment template as an automaton: state `k` is "about to match atom
/// `k`"; state `atoms.len()` accepts.
#[derive(Debug, Clone)]
struct Automaton {
    atoms: Vec<Atom>,
}

/// A character of the alphabet: one of the literal characters, or `None`
/// for every character no literal part uses (they all behave the same).
type Symbol = Option<char>;

type States = BTreeSet<usize>;

impl Automaton {
    fn new(pieces: &[Piece]) -> Self {
        let mut atoms = Vec::new();
        for piece in pieces {
            match piece {
                Piece::Literal(text) => atoms.extend(text.chars().map(Atom::Char)),
                Piece::Param(_) => atoms.extend([Atom::Any, Atom::AnyMore]),
            }
        }
        Automaton { atoms }
    }

    fn closure(&self, mut states: States) -> States {
        let mut pending: Vec<usize> = states.iter().copied().collect();
        while let Some(k) = pending.pop() {
            if self.atoms.get(k) == Some(&Atom::AnyMore) && states.insert(k + 1) {
                pending.push(k + 1);
            }
        }
        states
    }

    fn start(&self) -> States {
        self.closure(States::from([0]))
    }

    fn step(&self, states: &States, symbol: Symbol) -> States {
        let mut next = States::new();
        for &k in states {
            match self.atoms.get(k) {
                Some(Atom::Char(c)) if symbol == Some(*c) => {
                    next.insert(k + 1);
                }
                Some(Atom::Any) => {
                    next.insert(k + 1);
                }
                Some(Atom::AnyMore) => {
                    next.insert(k);
                }
                _ => {}
            }
        }
        self.closure(next)
    }

    fn accepts(&self, states: &States) -> bool {
        states.contains(&self.atoms.len())
    }

    fn alphabet(&self) -> impl Iterator<Item = char> + '_ {
        self.atoms.iter().filter_map(|atom| match atom {
            Atom::Char(c) => Some(*c),
            Atom::Any | Atom::AnyMore => None,
        })
    }
}

/// Whether every text `inner` matches, `outer` matches too.
pub fn covers(outer: &[Piece], inner: &[Piece]) -> bool {
    let (outer, inner) = (Automaton::new(outer), Automaton::new(inner));
    let mut symbols: Vec<Symbol> = outer.alphabet().chain(inner.alphabet()).map(Some).collect();
    symbols.sort();
    symbols.dedup();
    symbols.push(None);
    let start = (inner.start(), outer.start());
    let mut seen = BTreeSet::from([start.clone()]);
    let mut queue = VecDeque::from([start]);
    while let Some((i, o)) = queue.pop_front() {
        if inner.accepts(&i) && !outer.accepts(&o) {
            return false;
        }
        for &symbol in &symbols {
            let next = (inner.step(&i, symbol), outer.step(&o, symbol));
            if !next.0.is_empty() && seen.insert(next.clone()) {
                queue.push_back(next);
            }
        }
    }
    true
}

/// How many literal characters a segment template has: of two templates,
/// the one with more says more about the text.
pub fn literal_length(pieces: &[Piece]) -> usize {
    pieces
        .iter()
        .map(|piece| match piece {
            Piece::Literal(text) => text.chars().count(),
            Piece::Param(_) => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `{a}.json` → pieces.
    fn pieces(template: &str) -> Vec<Piece> {
        let mut out = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                out.push(Piece::Literal(rest[..open].to_owned()));
            }
            let close = rest.find('}').unwrap();
            out.push(Piece::Param(rest[open + 1..close].to_owned()));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            out.push(Piece::Literal(rest.to_owned()));
        }
        out
    }

    fn covers_text(outer: &str, inner: &str) -> bool {
        covers(&pieces(outer), &pieces(inner))
    }

    #[test]
    fn a_whole_parameter_covers_every_template() {
        for inner in ["{b}", "{b}.json", "v{major}.{minor}", "x", "{a}-{b}.zip"] {
            assert!(covers_text("{a}", inner), "{inner}");
        }
    }

    #[test]
    fn templates_differing_in_names_cover_each_other() {
        assert!(covers_text("{a}.json", "{b}.json"));
        assert!(covers_text("{b}.json", "{a}.json"));
        assert!(covers_text("{a}-{b}", "{c}-{d}"));
    }

    #[test]
    fn a_longer_suffix_is_covered_by_a_shorter_one_and_not_back() {
        assert!(covers_text("{a}.gz", "{a}.tar.gz"));
        assert!(!covers_text("{a}.tar.gz", "{a}.gz"));
        assert!(!covers_text("{a}.json", "{a}"));
    }

    #[test]
    fn different_literals_do_not_cover_each_other() {
        assert!(!covers_text("{a}.ks.html", "{a}.rw.html"));
        assert!(!covers_text("{a}.rw.html", "{a}.ks.html"));
        assert!(!covers_text("v{a}", "{a}.json"));
    }

    #[test]
    fn two_parameters_cover_one_with_the_separator_inside() {
        // `{a}...{b}` matches `x...y`, which `{c}` matches too, not back.
        assert!(covers_text("{c}", "{a}...{b}"));
        assert!(!covers_text("{a}...{b}", "{c}"));
        // `{a}-{b}` matches every `{x}-{y}-{z}` text (a = x, b = y-z).
        assert!(covers_text("{a}-{b}", "{x}-{y}-{z}"));
        assert!(!covers_text("{x}-{y}-{z}", "{a}-{b}"));
    }

    #[test]
    fn parameters_take_at_least_one_character() {
        // `{a}x` needs a character before the `x`: `x` alone is not matched.
        assert!(!covers_text("{a}x", "x"));
        assert!(covers_text("{a}x", "ax"));
        assert!(!covers_text("{a}.{b}", "{a}."));
    }

    #[test]
    fn literal_length_counts_characters() {
        assert_eq!(literal_length(&pieces("{a}.rw.html")), 8);
        assert_eq!(literal_length(&pieces("{a}")), 0);
        assert_eq!(literal_length(&pieces("é{a}")), 1);
    }
}

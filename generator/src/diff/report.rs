//! What a comparison finds: classified changes, grouped by the operation,
//! type or scheme they concern, and their text and JSON renderings.

use std::fmt;

use serde_json::{Value, json};

use crate::ir::Method;

/// How a change affects code written against the crates generated from the
/// old spec. The module docs of [`crate::diff`] give the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Some existing user of the generated client or server must change.
    Breaking,
    /// Something new that existing code does not have to use.
    Additive,
    /// Nothing to change in code: a rename that keeps the wire and the Rust
    /// shape, a deprecation, a new version number.
    Info,
}

impl Class {
    pub const ALL: [Class; 3] = [Class::Breaking, Class::Additive, Class::Info];

    pub fn as_str(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Additive => "additive",
            Class::Info => "info",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// What a change is about. The report is ordered by subject: the API as a
/// whole, then security schemes, operations (by path, then method) and types
/// (by name).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    Api,
    SecurityScheme(String),
    /// An operation, by its path template in the newer spec (the older one's
    /// when it was removed).
    Operation {
        path: String,
        method: Method,
    },
    Type(String),
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Api => f.write_str("API"),
            Subject::SecurityScheme(name) => write!(f, "security scheme {name}"),
            Subject::Operation { path, method } => write!(f, "{} {path}", method.as_str()),
            Subject::Type(name) => write!(f, "type {name}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub class: Class,
    pub subject: Subject,
    /// One line, without the subject: ``query parameter `limit`: maximum 1000 → 500 (tightened)``.
    pub message: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<9} {}: {}", self.class, self.subject, self.message)
    }
}

/// Every change between two specs, ordered by subject; within a subject, in
/// the order the comparison found them (parameters, body, responses; fields
/// in spec order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub changes: Vec<Change>,
}

impl Report {
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }

    pub fn has_breaking(&self) -> bool {
        self.count(Class::Breaking) > 0
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// `summary: 3 breaking, 2 additive, 1 info`.
    pub fn summary(&self) -> String {
        let counts: Vec<String> = Class::ALL.iter().map(|&c| format!("{} {c}", self.count(c))).collect();
        format!("summary: {}", counts.join(", "))
    }

    /// `{"changes": [{"class", "subject", "message"}...], "summary": {"breaking": n, ...}}`.
    pub fn to_json(&self) -> Value {
        let changes: Vec<Value> = self
            .changes
            .iter()
            .map(|c| json!({ "class": c.class.as_str(), "subject": c.subject.to_string(), "message": c.message }))
            .collect();
        let mut summary = serde_json::Map::new();
        for class in Class::ALL {
            summary.insert(class.as_str().to_owned(), json!(self.count(class)));
        }
        json!({ "changes": changes, "summary": summary })
    }
}

/// One line per change, a blank line between subjects, then the summary.
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut previous: Option<&Subject> = None;
        for change in &self.changes {
            if previous.is_some_and(|p| *p != change.subject) {
                writeln!(f)?;
            }
            writeln!(f, "{change}")?;
            previous = Some(&change.subject);
        }
        if !self.changes.is_empty() {
            writeln!(f)?;
        }
        writeln!(f, "{}", self.summary())
    }
}

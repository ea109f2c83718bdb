//! `openapiv3` → IR. Resolves every `$ref`, names every type, keeps every
//! constraint, and turns whatever it cannot express into an [`Error`] that
//! names the place in the spec.
//!
//! - [`schema`]: schemas → named types and type uses.
//! - [`compose`]: `allOf` (merged structs), `oneOf`/`anyOf` (unions).
//! - [`operation`]: paths → operations, parameters, bodies, responses, security.
//! - [`graph`]: passes over the finished type list (nullability of named
//!   types, boxing of recursive fields, alias cycles).
//! - [`dedupe`]: which types have the same body as an earlier one (the
//!   models file defines it once and aliases the other names).

mod callbacks;
mod compose;
pub mod dedupe;
mod distribute;
mod enums;
mod graph;
mod inheritance;
mod intersect;
mod names;
mod operation;
mod refs;
mod schema;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr};
use serde_json::Value;

use crate::error::{Error, Result, Warning};
use crate::ir::{Api, Example, Method, Type, TypeDef};
use crate::parse::Document;
use crate::pointer::Pointer;

/// Lowers a parsed document into the IR.
pub fn lower(document: &Document) -> Result<Api> {
    lower_with(document, false).map(|(api, _)| api).map_err(|e| document.moves.relocate(e))
}

/// Lowers a parsed document, leaving out each operation whose lowering is
/// [`Error::Unsupported`] instead of failing (see [`crate::skip`]).
pub fn lower_skipping(document: &Document) -> Result<(Api, Vec<Skipped>)> {
    let (api, mut skipped) = lower_with(document, true).map_err(|e| document.moves.relocate(e))?;
    for skip in &mut skipped {
        skip.error = document.moves.relocate(skip.error.clone());
    }
    Ok((api, skipped))
}

fn lower_with(document: &Document, skipping: bool) -> Result<(Api, Vec<Skipped>)> {
    let mut lowerer = Lowerer {
        doc: &document.openapi,
        raw: &document.raw,
        types: Vec::new(),
        taken: BTreeMap::new(),
        components: BTreeMap::new(),
        inline: BTreeMap::new(),
        examples: Vec::new(),
        seen_examples: BTreeSet::new(),
        skipping,
        skipped: Vec::new(),
        bases: BTreeMap::new(),
        warnings: Vec::new(),
        resolving: Vec::new(),
    };
    lowerer.component_schemas()?;
    let security_schemes = lowerer.security_schemes()?;
    let operations = lowerer.operations(&security_schemes)?;
    lowerer.webhooks()?;
    let info = &document.openapi.info;
    let mut api = Api {
        title: info.title.clone(),
        version: info.version.clone(),
        description: info.description.clone(),
        servers: operation::server_urls(&document.openapi.servers),
        types: lowerer.types,
        operations,
        security_schemes,
        examples: lowerer.examples,
        warnings: Vec::new(),
        index: Default::default(),
    };
    // Once each, in the order found (a schema read twice warns twice);
    // reading's first, all at their places in the original document.
    let warnings = document.warnings.iter().cloned().chain(lowerer.warnings);
    for warning in warnings.map(|w| document.moves.relocate_warning(w)) {
        if !api.warnings.contains(&warning) {
            api.warnings.push(warning);
        }
    }
    graph::finish(&mut api)?;
    Ok((api, lowerer.skipped))
}

/// The `components` sections `$ref`s may point into.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Section {
    Schemas,
    Parameters,
    Responses,
    RequestBodies,
    Headers,
    Examples,
    SecuritySchemes,
}

impl Section {
    fn key(self) -> &'static str {
        match self {
            Section::Schemas => "schemas",
            Section::Parameters => "parameters",
            Section::Responses => "responses",
            Section::RequestBodies => "requestBodies",
            Section::Headers => "headers",
            Section::Examples => "examples",
            Section::SecuritySchemes => "securitySchemes",
        }
    }
}

pub(crate) struct Lowerer<'a> {
    doc: &'a OpenAPI,
    raw: &'a Value,
    /// Named types in output order.
    types: Vec<TypeDef>,
    /// Every Rust type name handed out, with the schema that got it.
    taken: BTreeMap<String, Pointer>,
    /// Component schema key → Rust type name.
    components: BTreeMap<String, String>,
    /// Inline schemas already given a name, by their place in the spec, so a
    /// shared component (a parameter used by several operations) defines its
    /// inline types once.
    inline: BTreeMap<Pointer, String>,
    examples: Vec<Example>,
    seen_examples: BTreeSet<Pointer>,
    /// Leave out operations that cannot be expressed (into `skipped`)
    /// instead of failing.
    skipping: bool,
    skipped: Vec<Skipped>,
    /// Component schemas that are bases of inheritance (see [`inheritance`]).
    bases: BTreeMap<String, inheritance::Base>,
    /// What was approximated instead of refused, in the order found.
    warnings: Vec<Warning>,
    /// Schemas outside the components being lowered through a `$ref` (see
    /// [`refs`]), to refuse a cycle of such references.
    resolving: Vec<Pointer>,
}

impl<'a> Lowerer<'a> {
    /// Reserves a type name for the schema at `at`.
    fn claim(&mut self, name: String, at: &Pointer) -> Result<String> {
        if name == crate::naming::UNKNOWN_ENUM_VALUE {
            return Err(Error::Collision {
                pointer: at.clone(),
                what: "type name (reserved for the error of the generated enums' `FromStr`)",
                name,
                other: Pointer::root(),
            });
        }
        if let Some(other) = self.taken.get(&name) {
            return Err(Error::Collision { pointer: at.clone(), what: "type name", name, other: other.clone() });
        }
        self.taken.insert(name.clone(), at.clone());
        Ok(name)
    }

    /// Reserves a name for an inline schema: the derived name, or, when a
    /// component schema or an earlier inline schema has it, the first free
    /// one of `Name2`, `Name3`, ... (component names are all claimed first,
    /// so they never change).
    fn claim_inline(&mut self, name: String, at: &Pointer) -> Result<String> {
        if !self.taken.contains_key(&name) && name != crate::naming::UNKNOWN_ENUM_VALUE {
            return self.claim(name, at);
        }
        let free = (2..).map(|n| format!("{name}{n}")).find(|n| !self.taken.contains_key(n));
        self.claim(free.unwrap_or(name), at)
    }

    /// Records an approximation (once per place and message).
    fn warn(&mut self, at: &Pointer, message: impl Into<String>) {
        let warning = Warning::new(at, message);
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
    }

    /// The raw JSON at a pointer (to see keywords `openapiv3` drops).
    fn raw_at(&self, at: &Pointer) -> Option<&'a Value> {
        at.lookup(self.raw)
    }

    /// Splits `#/components/<section>/<name>` into its name, with errors for
    /// references elsewhere or outside the document.
    fn component_name(&self, reference: &str, section: Section, at: &Pointer) -> Result<String> {
        let refers =
            |problem: String| Error::Reference { pointer: at.join("$ref"), reference: reference.to_owned(), problem };
        let Some(target) = Pointer::from_ref(reference) else { return Err(external(reference, at)) };
        let segments: Vec<String> = target.segments().collect();
        match segments.as_slice() {
            [components, s, name] if components == "components" && s == section.key() => Ok(name.clone()),
            _ if target.lookup(self.raw).is_none() => Err(refers("points at nothing in the document".to_owned())),
            _ => Err(Error::unsupported(
                &at.join("$ref"),
                format!("`{reference}`: only references to #/components/{}/<name> are supported here", section.key()),
            )),
        }
    }

    /// Where a `$ref` that is not `#/components/<section>/<name>` points in
    /// this document (any JSON pointer: a property of another schema, a
    /// parameter of another operation); `None` for a component reference.
    fn foreign_target(&self, reference: &str, section: Section, at: &Pointer) -> Result<Option<Pointer>> {
        let Some(target) = Pointer::from_ref(reference) else { return Err(external(reference, at)) };
        let segments: Vec<String> = target.segments().collect();
        if matches!(segments.as_slice(), [components, s, _] if components == "components" && s == section.key()) {
            return Ok(None);
        }
        self.target(reference, at).map(Some)
    }

    /// The place in this document a `$ref` (at `at`) points at.
    fn target(&self, reference: &str, at: &Pointer) -> Result<Pointer> {
        let Some(target) = Pointer::from_ref(reference) else { return Err(external(reference, at)) };
        if target.lookup(self.raw).is_none() {
            return Err(Error::Reference {
                pointer: at.join("$ref"),
                reference: reference.to_owned(),
                problem: "points at nothing in the document".to_owned(),
            });
        }
        Ok(target)
    }

    /// The object a `$ref` outside the components section points at, read
    /// from the raw document.
    /// `at` is the place of the `$ref`.
    fn read_foreign<T: serde::de::DeserializeOwned>(
        &self,
        reference: &str,
        target: &Pointer,
        at: &Pointer,
    ) -> Result<T> {
        let raw = target.lookup(self.raw).cloned().unwrap_or_default();
        serde_json::from_value(raw).map_err(|error| Error::Reference {
            pointer: at.join("$ref"),
            reference: reference.to_owned(),
            problem: format!("points at something that cannot be read as what is expected here: {error}"),
        })
    }

    /// Follows `$ref`s (also chains of them, and references to any place in
    /// the document). Returns the object and where it is.
    fn resolve<'d, T>(
        &self,
        item: &'d ReferenceOr<T>,
        at: &Pointer,
        section: Section,
        map: impl Fn(&'d openapiv3::Components) -> &'d IndexMap<String, ReferenceOr<T>>,
    ) -> Result<(Cow<'d, T>, Pointer)>
    where
        'a: 'd,
        T: Clone + serde::de::DeserializeOwned,
    {
        let mut item: Cow<'d, ReferenceOr<T>> = Cow::Borrowed(item);
        let mut at = at.clone();
        for _ in 0..64 {
            let reference = match item {
                Cow::Borrowed(ReferenceOr::Item(value)) => return Ok((Cow::Borrowed(value), at)),
                Cow::Owned(ReferenceOr::Item(value)) => return Ok((Cow::Owned(value), at)),
                Cow::Borrowed(ReferenceOr::Reference { reference }) => reference.clone(),
                Cow::Owned(ReferenceOr::Reference { reference }) => reference,
            };
            match self.foreign_target(&reference, section, &at)? {
                Some(target) => {
                    item = Cow::Owned(self.read_foreign(&reference, &target, &at)?);
                    at = target;
                }
                None => {
                    let reference = &reference;
                    let name = self.component_name(reference, section, &at)?;
                    let found = self.doc.components.as_ref().and_then(|c| map(c).get(&name));
                    let Some(next) = found else {
                        return Err(Error::Reference {
                            pointer: at.join("$ref"),
                            reference: reference.clone(),
                            problem: "points at nothing in the document".to_owned(),
                        });
                    };
                    item = Cow::Borrowed(next);
                    at = Pointer::root().join("components").join(section.key()).join(&name);
                }
            }
        }
        Err(Error::Reference {
            pointer: at.join("$ref"),
            reference: String::new(),
            problem: "is part of a cycle of references".to_owned(),
        })
    }

    /// Records an example value once, with the type it illustrates.
    fn example(&mut self, pointer: Pointer, ty: &Type, value: &Value) {
        if self.seen_examples.insert(pointer.clone()) {
            self.examples.push(Example { pointer, ty: ty.clone(), value: value.clone() });
        }
    }

    /// Records `example` and every `examples` entry of a parameter, header or media type.
    fn examples_of(
        &mut self,
        at: &Pointer,
        ty: &Type,
        example: Option<&Value>,
        examples: &IndexMap<String, ReferenceOr<openapiv3::Example>>,
    ) -> Result<()> {
        if let Some(value) = example {
            self.example(at.join("example"), ty, value);
        }
        for (key, item) in examples {
            let (example, where_) =
                self.resolve(item, &at.join("examples").join(key), Section::Examples, |c| &c.examples)?;
            // An `externalValue` example has no value in the document to check.
            if let Some(value) = &example.value {
                self.example(where_.join("value"), ty, value);
            }
        }
        Ok(())
    }
}

/// A `$ref` to another document.
fn external(reference: &str, at: &Pointer) -> Error {
    Error::unsupported(
        &at.join("$ref"),
        format!("`{reference}` refers outside this document; bundle the spec into one file first"),
    )
}

/// An operation left out of the generated client and server.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub method: Method,
    /// The path template.
    pub path: String,
    /// The operation in the spec.
    pub pointer: Pointer,
    /// Why: an [`Error::Unsupported`] naming the construct's place.
    pub error: Error,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "skipped {} {} ({}): {}", self.method.as_str(), self.path, self.pointer, self.error)
    }
}

//! `$ref`s to any place in the document, not only to
//! `#/components/<section>/<name>`: a property of another schema, a part of
//! another schema's `allOf`, a parameter or response of another operation.
//! Parameters, responses, request bodies and headers are read where they
//! are ([`Lowerer::resolve`]); a schema is lowered as the inline schema it
//! is at its own place, so every reference to one place is one type, named
//! after that place (`Pet.owner` → `PetOwner`, as when `Pet` is lowered).

use openapiv3::{ReferenceOr, Schema};

use super::{Lowerer, Section};
use crate::error::Result;
use crate::ir::{Shape, Type};
use crate::naming::type_name;
use crate::pointer::Pointer;

/// Keywords and keys that say nothing about what a schema is: skipped when
/// naming a schema after its place.
const STRUCTURAL: &[&str] = &[
    "schema",
    "items",
    "properties",
    "additionalProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "content",
    "definitions",
];

impl Lowerer<'_> {
    /// The type a schema `$ref` stands for: a component's name, or the
    /// schema at any other place lowered there.
    pub(super) fn schema_ref_type(&mut self, reference: &str, at: &Pointer) -> Result<Type> {
        let Some(target) = self.foreign_target(reference, Section::Schemas, at)? else {
            return Ok(Type::new(Shape::Named(self.schema_ref(reference, at)?)));
        };
        // Named already (perhaps being lowered now, up the stack: a cycle
        // through named types, which refer to each other by name).
        if let Some(name) = self.inline.get(&target) {
            return Ok(Type::new(Shape::Named(name.clone())));
        }
        if self.resolving.contains(&target) {
            // A cycle through schemas that are no named types (an array of
            // itself): no Rust type says that; any JSON value does.
            self.warn(
                &at.join("$ref"),
                format!("`{reference}` refers back to a schema that contains this reference, through schemas that are not named types: generated as any JSON value"),
            );
            return Ok(Type::new(Shape::Any));
        }
        let schema: ReferenceOr<Schema> = self.read_foreign(reference, &target, at)?;
        let hint = self.place_name(&target);
        self.resolving.push(target.clone());
        let ty = self.lower_use(&schema, &target, &hint);
        self.resolving.pop();
        ty
    }

    /// A type name for the schema at `target`: the component it is in, then
    /// the last segment that names something (`#/components/schemas/Pet/properties/owner`
    /// → `PetOwner`).
    fn place_name(&self, target: &Pointer) -> String {
        let segments: Vec<String> = target.segments().collect();
        let last = segments
            .iter()
            .rev()
            .find(|s| !STRUCTURAL.contains(&s.as_str()) && !s.contains('/') && s.parse::<usize>().is_err())
            .cloned()
            .unwrap_or_default();
        match segments.as_slice() {
            [components, schemas, key, rest @ ..] if components == "components" && schemas == "schemas" => {
                let owner = self.components.get(key).cloned().unwrap_or_else(|| type_name(key));
                if rest.is_empty() || last == *key { owner } else { format!("{owner}{}", type_name(&last)) }
            }
            _ => type_name(&last),
        }
    }
}

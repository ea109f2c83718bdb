//! Inheritance through `allOf`: a component schema with a `discriminator`
//! that is not itself a `oneOf`/`anyOf` (a *base*) and the component schemas
//! that `allOf` it, directly or through other subtypes, or that its
//! `mapping` names (its *subtypes*).
//!
//! Where the base is referenced, a value is one of the subtypes, told apart
//! by the discriminator property: the base's name is a tagged union of the
//! subtypes' structs (mapping values first, then each schema's key), plus
//! the base's own struct, `<Base>Base`, which stays available, is selected
//! by the base's key, and decodes values whose tag names no known subtype
//! (a subtype added to the API later still decodes, with the common
//! properties). The subtypes' structs merge the base's properties as every
//! `allOf` does.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::Lowerer;
use crate::error::Result;
use crate::ir::{Discriminator, Shape, Type, TypeDef, TypeKind, Union, UnionVariant};
use crate::pointer::Pointer;

/// A base schema and what its union holds.
#[derive(Debug, Clone)]
pub(super) struct Base {
    /// The name of the base's own struct (`<Base>Base`).
    pub struct_name: String,
    /// Subtype component keys, in spec order (descendants first, then
    /// mapping targets that do not `allOf` the base).
    subtypes: Vec<String>,
}

/// The component key a `$ref` to `#/components/schemas/<key>` names.
fn schema_key(reference: &str) -> Option<String> {
    let pointer = Pointer::from_ref(reference)?;
    let segments: Vec<String> = pointer.segments().collect();
    match segments.as_slice() {
        [components, schemas, key] if components == "components" && schemas == "schemas" => Some(key.clone()),
        _ => None,
    }
}

/// The component schemas each component schema `allOf`s directly.
fn parents(schemas: &serde_json::Map<String, Value>) -> BTreeMap<&str, Vec<String>> {
    let mut parents = BTreeMap::new();
    for (key, schema) in schemas {
        let refs = schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|part| part.get("$ref").and_then(Value::as_str))
            .filter_map(schema_key)
            .collect();
        parents.insert(key.as_str(), refs);
    }
    parents
}

/// Whether `key` reaches `base` through `allOf` references.
fn descends(key: &str, base: &str, parents: &BTreeMap<&str, Vec<String>>) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![key.to_owned()];
    while let Some(next) = stack.pop() {
        for parent in parents.get(next.as_str()).into_iter().flatten() {
            if parent == base {
                return true;
            }
            if seen.insert(parent.clone()) {
                stack.push(parent.clone());
            }
        }
    }
    false
}

/// The target key of a `mapping` value: a `$ref` or a bare schema key.
fn mapping_target(target: &str) -> String {
    if target.starts_with('#') { schema_key(target).unwrap_or_default() } else { target.to_owned() }
}

impl Lowerer<'_> {
    /// Finds the bases among the component schemas and claims the names of
    /// their structs. Runs after every component name is claimed, so the
    /// `<Base>Base` names never take a component's name.
    pub(super) fn find_bases(&mut self) -> Result<()> {
        let Some(Value::Object(schemas)) = self.raw.pointer("/components/schemas") else { return Ok(()) };
        let parents = parents(schemas);
        for (key, schema) in schemas {
            let Some(discriminator) = schema.get("discriminator") else { continue };
            if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() || schema.get("$ref").is_some() {
                continue;
            }
            let mut subtypes: Vec<String> =
                schemas.keys().filter(|k| *k != key && descends(k, key, &parents)).cloned().collect();
            let mapped = discriminator.get("mapping").and_then(Value::as_object).into_iter().flatten();
            for target in mapped.filter_map(|(_, t)| t.as_str()).map(mapping_target) {
                if target != *key && schemas.contains_key(&target) && !subtypes.contains(&target) {
                    subtypes.push(target);
                }
            }
            if subtypes.is_empty() {
                continue;
            }
            let at = Pointer::root().join("components").join("schemas").join(key);
            let struct_name = self.claim_inline(format!("{}Base", self.components[key]), &at)?;
            self.bases.insert(key.clone(), Base { struct_name, subtypes });
        }
        Ok(())
    }

    /// The Rust type a reference to the component `key` stands for inside a
    /// base's union: a subtype that is a base itself is its struct.
    fn subtype_struct(&self, key: &str) -> String {
        match self.bases.get(key) {
            Some(base) => base.struct_name.clone(),
            None => self.components[key].clone(),
        }
    }

    /// The union the base `key` (already lowered into `base_struct`) stands for.
    pub(super) fn base_union(&mut self, key: &str, base_struct: &TypeDef) -> Result<TypeDef> {
        let base = self.bases[key].clone();
        let at = base_struct.pointer.clone();
        let schemas = Pointer::root().join("components").join("schemas");
        let mut variants: Vec<UnionVariant> = base
            .subtypes
            .iter()
            .map(|subtype| UnionVariant {
                name: self.components[subtype].clone(),
                pointer: schemas.join(subtype),
                ty: Type::new(Shape::Named(self.subtype_struct(subtype))),
                boxed: false,
            })
            .collect();
        variants.push(UnionVariant {
            name: self.components[key].clone(),
            pointer: at.clone(),
            ty: Type::new(Shape::Named(base.struct_name.clone())),
            boxed: false,
        });
        let keys: Vec<&str> = base.subtypes.iter().map(String::as_str).chain([key]).collect();
        let raw = self.raw_at(&at.join("discriminator"));
        let property = raw.and_then(|d| d.get("propertyName")).and_then(Value::as_str).unwrap_or_default().to_owned();
        let mut mapping: Vec<(String, usize)> = Vec::new();
        for (value, target) in raw.and_then(|d| d.get("mapping")).and_then(Value::as_object).into_iter().flatten() {
            let target = target.as_str().map(mapping_target).unwrap_or_default();
            match keys.iter().position(|k| *k == target) {
                Some(index) => mapping.push((value.clone(), index)),
                None => self.warn(
                    &at.join("discriminator").join("mapping").join(value),
                    format!("the mapping names `{target}`, not a component schema; the value is left out"),
                ),
            }
        }
        for (index, key) in keys.iter().enumerate() {
            if !mapping.iter().any(|(value, i)| *i == index || value == key) {
                mapping.push(((*key).to_owned(), index));
            }
        }
        let fallback = Some(keys.len() - 1);
        Ok(TypeDef {
            name: self.components[key].clone(),
            pointer: at,
            docs: base_struct.docs.clone(),
            kind: TypeKind::Union(Union {
                variants,
                any_of: false,
                discriminator: Some(Discriminator { property, mapping, fallback }),
            }),
            constraints: Default::default(),
            nullable: base_struct.nullable,
            deprecated: base_struct.deprecated,
        })
    }
}

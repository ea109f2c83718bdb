//! Structurally identical types: which named types have the same body as an
//! earlier one, so that the models file defines the body once and keeps each
//! other name as a `type` alias of it (GitHub's description repeats inline
//! enums and objects under different names thousands of times, and each
//! definition costs its derives' compile time).
//!
//! The IR keeps every type as the spec describes it: names, kinds and uses
//! stay what they are, so emitters that look at a type's kind (parameters,
//! strict bodies, the diff) see no difference, and generated code naming an
//! alias (`B::Variant`, `B { .. }`, `B::ALL`) means the same through it.
//!
//! Two types are the same when their kinds are equal apart from the places
//! in the spec they came from, with references to types already found to be
//! the same taken as equal (repeated until nothing changes), and their
//! constraints and nullability are equal. Field and variant names, wire
//! names, defaults and field docs are part of the body; the type's own docs
//! are not (the alias keeps them). Types that refer to themselves are only
//! ever the same as themselves, which keeps recursion where it was boxed.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

use crate::ir::{Additional, Api, Field, Shape, Struct, Type, TypeDef, TypeKind, Union, UnionVariant};

/// Each type whose body an earlier type has, mapped to that earliest type's
/// name. Deterministic: the first in [`Api::types`] order is kept.
///
/// Types are bucketed by a hash of their names on the wire and in Rust,
/// then compared field by field within a bucket ([`same_def`]), without
/// copying or printing them: GitHub's 7,000 types took 0.35 s as printed
/// keys.
pub fn duplicates(api: &Api) -> BTreeMap<String, String> {
    let defs: Vec<&TypeDef> = api.types.iter().filter(|d| mergeable(&d.kind)).collect();
    let buckets: Vec<u64> = {
        let own: Vec<u64> = defs.iter().map(|def| bucket(def)).collect();
        let by_name: HashMap<&str, u64> = defs.iter().zip(&own).map(|(def, own)| (def.name.as_str(), *own)).collect();
        defs.iter().zip(&own).map(|(def, own)| with_references(def, *own, &by_name)).collect()
    };
    let mut same: BTreeMap<String, String> = BTreeMap::new();
    loop {
        // Per bucket, the first type of each distinct body this round.
        let mut kept: HashMap<u64, Vec<&TypeDef>> = HashMap::new();
        let mut merged: Vec<(String, String)> = Vec::new();
        for (def, bucket) in defs.iter().zip(&buckets) {
            if same.contains_key(&def.name) {
                continue;
            }
            let firsts = kept.entry(*bucket).or_default();
            match firsts.iter().find(|first| same_def(first, def, &same)) {
                Some(first) => merged.push((def.name.clone(), first.name.clone())),
                None => firsts.push(def),
            }
        }
        if merged.is_empty() {
            break;
        }
        same.extend(merged);
    }
    // A type kept in one round may have been found the same as an earlier one
    // in a later round: point every alias at the end of its chain (always an
    // earlier type, so the chains end).
    let names: Vec<String> = same.keys().cloned().collect();
    for name in names {
        let mut target = same[&name].clone();
        while let Some(next) = same.get(&target) {
            target = next.clone();
        }
        same.insert(name, target);
    }
    same
}

/// Kinds with a definition of their own (maps and aliases already are `type`s).
fn mergeable(kind: &TypeKind) -> bool {
    matches!(kind, TypeKind::Struct(_) | TypeKind::Enum(_) | TypeKind::ValueEnum(_) | TypeKind::Union(_))
}

/// A hash of what two types with the same body certainly share: their kind
/// and the names of their fields and variants.
fn bucket(def: &TypeDef) -> u64 {
    let mut hasher = DefaultHasher::new();
    std::mem::discriminant(&def.kind).hash(&mut hasher);
    match &def.kind {
        TypeKind::Struct(s) => s.fields.iter().for_each(|f| (&f.name, &f.wire_name).hash(&mut hasher)),
        TypeKind::Enum(e) => e.variants.iter().for_each(|v| (&v.name, &v.wire_name).hash(&mut hasher)),
        TypeKind::ValueEnum(e) => e.variants.iter().for_each(|v| v.name.hash(&mut hasher)),
        TypeKind::Union(u) => u.variants.iter().for_each(|v| v.name.hash(&mut hasher)),
        TypeKind::Map(_) | TypeKind::Alias(_) => {}
    }
    hasher.finish()
}

/// `own` (a type's [`bucket`]) with the buckets of the types it refers to,
/// in order. Two references [`same_type`] takes as equal name one type, or
/// two types found to have the same body, so their buckets are equal too;
/// a name of a kind never merged stands for itself.
fn with_references(def: &TypeDef, own: u64, buckets: &HashMap<&str, u64>) -> u64 {
    let mut hasher = DefaultHasher::new();
    own.hash(&mut hasher);
    references(&def.kind, &mut |name| match buckets.get(name) {
        Some(bucket) => bucket.hash(&mut hasher),
        None => name.hash(&mut hasher),
    });
    hasher.finish()
}

/// Calls `found` with each type name `kind` refers to (in its fields, its
/// additional properties and its variants, through arrays and maps).
fn references<'a>(kind: &'a TypeKind, found: &mut impl FnMut(&'a str)) {
    match kind {
        TypeKind::Struct(s) => {
            s.fields.iter().for_each(|field| field.ty.mentions(found));
            if let Additional::Typed(ty) = &s.additional_properties {
                ty.mentions(found);
            }
        }
        TypeKind::Union(u) => u.variants.iter().for_each(|variant| variant.ty.mentions(found)),
        TypeKind::Map(ty) | TypeKind::Alias(ty) => ty.mentions(found),
        TypeKind::Enum(_) | TypeKind::ValueEnum(_) => {}
    }
}

/// Whether `a` and `b` have the same body: equal apart from the places in
/// the spec they came from and their own docs, with each reference read
/// through `same`. A type that refers to itself is the same only as itself
/// (its name is part of its body). Every struct is taken apart field by
/// field, so a field added to the IR fails to compile here until it is
/// either compared or said to be ignored.
fn same_def(a: &TypeDef, b: &TypeDef, same: &BTreeMap<String, String>) -> bool {
    let TypeDef { name: _, pointer: _, docs: _, kind, constraints, nullable, deprecated: _ } = a;
    *constraints == b.constraints && *nullable == b.nullable && same_kind(kind, &b.kind, same)
}

fn same_kind(a: &TypeKind, b: &TypeKind, same: &BTreeMap<String, String>) -> bool {
    match (a, b) {
        (TypeKind::Struct(a), TypeKind::Struct(b)) => {
            let Struct { fields, additional_properties } = a;
            // The types first: two structs that share their fields' names
            // and docs (GitHub's hundreds of inline user objects) mostly
            // differ in a type they refer to, until a later round merges it.
            fields.len() == b.fields.len()
                && fields.iter().zip(&b.fields).all(|(a, b)| same_type(&a.ty, &b.ty, same))
                && fields.iter().zip(&b.fields).all(|(a, b)| same_field(a, b))
                && match (additional_properties, &b.additional_properties) {
                    (Additional::Typed(a), Additional::Typed(b)) => same_type(a, b, same),
                    (a, b) => a == b,
                }
        }
        (TypeKind::Union(a), TypeKind::Union(b)) => {
            let Union { variants, any_of, discriminator } = a;
            *any_of == b.any_of
                && *discriminator == b.discriminator
                && variants.len() == b.variants.len()
                && variants.iter().zip(&b.variants).all(|(a, b)| {
                    let UnionVariant { name, pointer: _, ty, boxed } = a;
                    *name == b.name && *boxed == b.boxed && same_type(ty, &b.ty, same)
                })
        }
        (TypeKind::Map(a), TypeKind::Map(b)) | (TypeKind::Alias(a), TypeKind::Alias(b)) => same_type(a, b, same),
        (TypeKind::Enum(a), TypeKind::Enum(b)) => a == b,
        (TypeKind::ValueEnum(a), TypeKind::ValueEnum(b)) => a == b,
        _ => false,
    }
}

/// All of two fields but their types (which [`same_kind`] compares first).
fn same_field(a: &Field, b: &Field) -> bool {
    let Field { name, wire_name, pointer: _, docs, ty: _, required, default, boxed, read_only, write_only, deprecated } =
        a;
    *name == b.name
        && *wire_name == b.wire_name
        && *docs == b.docs
        && *required == b.required
        && *default == b.default
        && *boxed == b.boxed
        && *read_only == b.read_only
        && *write_only == b.write_only
        && *deprecated == b.deprecated
}

fn same_type(a: &Type, b: &Type, same: &BTreeMap<String, String>) -> bool {
    let Type { shape, constraints, nullable, default } = a;
    *constraints == b.constraints
        && *nullable == b.nullable
        && *default == b.default
        && match (shape, &b.shape) {
            (Shape::Array(a), Shape::Array(b)) | (Shape::Map(a), Shape::Map(b)) => same_type(a, b, same),
            (Shape::Named(a), Shape::Named(b)) => resolve(a, same) == resolve(b, same),
            (a, b) => a == b,
        }
}

/// A referenced name as the keys compared it: one step through `same`.
fn resolve<'a>(name: &'a str, same: &'a BTreeMap<String, String>) -> &'a str {
    same.get(name).map_or(name, String::as_str)
}

#[cfg(test)]
mod tests {
    use super::duplicates;

    #[test]
    fn the_same_bodies_are_found_through_references_and_self_references_stay_apart() {
        let document = crate::parse::parse(include_str!("../../tests/fixtures/duplicates.yaml")).expect("it parses");
        let api = crate::lower::lower(&document).expect("the fixture lowers");
        let same = duplicates(&api);
        let found: Vec<(&str, &str)> = same.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert_eq!(
            found,
            [
                ("AddRepoState", "RepoState"),
                ("Author", "Owner"),
                ("AuthorKind", "OwnerKind"),
                ("Fork", "Repo"),
                ("ForkState", "RepoState"),
                ("LimitedKind", "OwnerKind"),
                ("ListReposSort", "RepoState"),
                ("ListReposState", "RepoState"),
            ]
        );
    }
}

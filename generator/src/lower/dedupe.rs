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

use std::collections::BTreeMap;

use crate::ir::{Additional, Api, Shape, Type, TypeDef, TypeKind};
use crate::pointer::Pointer;

/// Each type whose body an earlier type has, mapped to that earliest type's
/// name. Deterministic: the first in [`Api::types`] order is kept.
pub fn duplicates(api: &Api) -> BTreeMap<String, String> {
    let mut same: BTreeMap<String, String> = BTreeMap::new();
    loop {
        let mut first: BTreeMap<String, &str> = BTreeMap::new();
        let mut found = false;
        for def in api.types.iter().filter(|d| mergeable(&d.kind)) {
            if same.contains_key(&def.name) {
                continue;
            }
            match first.entry(key(def, &same)) {
                std::collections::btree_map::Entry::Occupied(entry) => {
                    same.insert(def.name.clone(), (*entry.get()).to_owned());
                    found = true;
                }
                std::collections::btree_map::Entry::Vacant(entry) => {
                    entry.insert(&def.name);
                }
            }
        }
        if !found {
            break;
        }
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

/// The body of `def` as text: pointers blanked, references through `same`.
fn key(def: &TypeDef, same: &BTreeMap<String, String>) -> String {
    let mut kind = def.kind.clone();
    let resolve = |ty: &mut Type| rename(ty, same);
    match &mut kind {
        TypeKind::Struct(s) => {
            for field in &mut s.fields {
                field.pointer = Pointer::root();
                resolve(&mut field.ty);
            }
            if let Additional::Typed(value) = &mut s.additional_properties {
                resolve(value);
            }
        }
        TypeKind::Union(u) => {
            for variant in &mut u.variants {
                variant.pointer = Pointer::root();
                resolve(&mut variant.ty);
            }
        }
        TypeKind::Map(ty) | TypeKind::Alias(ty) => resolve(ty),
        TypeKind::Enum(_) | TypeKind::ValueEnum(_) => {}
    }
    // A type that refers to itself stays distinct (its name is in its key).
    format!("{kind:?} {:?} {}", def.constraints, def.nullable)
}

fn rename(ty: &mut Type, same: &BTreeMap<String, String>) {
    match &mut ty.shape {
        Shape::Array(item) | Shape::Map(item) => rename(item, same),
        Shape::Named(name) => {
            if let Some(target) = same.get(name) {
                name.clone_from(target);
            }
        }
        Shape::Primitive(_) | Shape::Any => {}
    }
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

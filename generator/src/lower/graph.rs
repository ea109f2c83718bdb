//! Passes over the finished list of named types: nullability (also of
//! unions with a nullable variant), alias cycles, and boxes for recursion
//! through struct fields and union variants.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Result};
use crate::ir::{Additional, Api, Shape, Type, TypeDef, TypeKind};

pub(super) fn finish(api: &mut Api) -> Result<()> {
    nullable_unions(&mut api.types);
    propagate_nullable(api);
    refuse_alias_cycles(&api.types)?;
    box_recursive_fields(&mut api.types);
    Ok(())
}

/// A union with a variant that may be `null` is nullable itself (untagged
/// decoding would otherwise never get past that variant); its variants are not.
fn nullable_unions(types: &mut [TypeDef]) {
    loop {
        let nullable: BTreeSet<String> = types.iter().filter(|t| t.nullable).map(|t| t.name.clone()).collect();
        let mut changed = false;
        for def in types.iter_mut() {
            if let TypeKind::Union(u) = &mut def.kind {
                for variant in &mut u.variants {
                    if variant.ty.nullable || variant.ty.named().is_some_and(|n| nullable.contains(n)) {
                        variant.ty.nullable = false;
                        if !def.nullable {
                            def.nullable = true;
                            changed = true;
                        }
                    }
                }
            }
        }
        if !changed {
            return;
        }
    }
}

/// Every use of a named type whose schema is `nullable` may be `null`.
fn propagate_nullable(api: &mut Api) {
    let nullable: BTreeSet<String> = api.types.iter().filter(|t| t.nullable).map(|t| t.name.clone()).collect();
    let mut mark = |ty: &mut Type| {
        if ty.named().is_some_and(|n| nullable.contains(n)) {
            ty.nullable = true;
        }
    };
    for def in &mut api.types {
        match &mut def.kind {
            TypeKind::Struct(s) => {
                for field in &mut s.fields {
                    walk(&mut field.ty, &mut mark);
                }
                if let Additional::Typed(ty) = &mut s.additional_properties {
                    walk(ty, &mut mark);
                }
            }
            TypeKind::Map(ty) | TypeKind::Alias(ty) => walk(ty, &mut mark),
            TypeKind::Union(u) => {
                for variant in &mut u.variants {
                    walk(&mut variant.ty, &mut mark);
                    variant.ty.nullable = false;
                }
            }
            TypeKind::Enum(_) | TypeKind::ValueEnum(_) => {}
        }
    }
    for op in &mut api.operations {
        for p in &mut op.parameters {
            match &mut p.encoding {
                crate::ir::ParameterEncoding::Style(ty) | crate::ir::ParameterEncoding::Content { ty, .. } => {
                    walk(ty, &mut mark)
                }
            }
        }
        let bodies = op.request_body.iter_mut().flat_map(|b| b.content.iter_mut());
        let responses = op.responses.iter_mut().flat_map(|r| r.content.iter_mut());
        for ty in bodies.chain(responses).filter_map(|c| c.ty.as_mut()) {
            walk(ty, &mut mark);
        }
        for header in op.responses.iter_mut().flat_map(|r| r.headers.iter_mut()) {
            walk(&mut header.ty, &mut mark);
        }
    }
    for example in &mut api.examples {
        walk(&mut example.ty, &mut mark);
    }
}

fn walk(ty: &mut Type, f: &mut impl FnMut(&mut Type)) {
    f(ty);
    if let Shape::Array(inner) | Shape::Map(inner) = &mut ty.shape {
        walk(inner, f);
    }
}

/// The named types mentioned anywhere in a type.
fn mentions<'t>(ty: &'t Type, out: &mut Vec<&'t str>) {
    match &ty.shape {
        Shape::Named(name) => out.push(name),
        Shape::Array(inner) | Shape::Map(inner) => mentions(inner, out),
        Shape::Primitive(_) | Shape::Any => {}
    }
}

/// A Rust type alias cannot mention itself, even through `Vec`
/// (`type A = Vec<A>`), so a cycle made only of aliases and maps is refused.
fn refuse_alias_cycles(types: &[TypeDef]) -> Result<()> {
    let edges: BTreeMap<&str, Vec<&str>> = types
        .iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Alias(ty) | TypeKind::Map(ty) => {
                let mut out = Vec::new();
                mentions(ty, &mut out);
                Some((def.name.as_str(), out))
            }
            _ => None,
        })
        .collect();
    for def in types {
        if let Some(path) = cycle_from(&def.name, &edges) {
            return Err(Error::unsupported(
                &def.pointer,
                format!("a type that contains itself only through arrays or maps ({})", path.join(" → ")),
            ));
        }
    }
    Ok(())
}

fn cycle_from<'a>(start: &'a str, edges: &BTreeMap<&'a str, Vec<&'a str>>) -> Option<Vec<&'a str>> {
    let mut stack = vec![(start, vec![start])];
    let mut seen = BTreeSet::new();
    while let Some((node, path)) = stack.pop() {
        for &next in edges.get(node).into_iter().flatten() {
            if next == start {
                let mut path = path.clone();
                path.push(next);
                return Some(path);
            }
            if seen.insert(next) {
                let mut path = path.clone();
                path.push(next);
                stack.push((next, path));
            }
        }
    }
    None
}

/// A struct field whose type contains the struct again without a `Vec` or a
/// map in between would make an infinitely large type; such fields are boxed.
fn box_recursive_fields(types: &mut [TypeDef]) {
    // Direct containment: a struct contains its fields' named types (unless
    // behind an array or map); an alias contains what it aliases.
    let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for def in types.iter() {
        let direct: Vec<String> = match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().filter_map(|f| f.ty.named().map(str::to_owned)).collect(),
            TypeKind::Alias(ty) => ty.named().map(str::to_owned).into_iter().collect(),
            TypeKind::Union(u) => u.variants.iter().filter_map(|v| v.ty.named().map(str::to_owned)).collect(),
            TypeKind::Map(_) | TypeKind::Enum(_) | TypeKind::ValueEnum(_) => Vec::new(),
        };
        edges.insert(def.name.clone(), direct);
    }
    let reaches = |from: &str, target: &str| -> bool {
        let mut stack = vec![from.to_owned()];
        let mut seen = BTreeSet::new();
        while let Some(node) = stack.pop() {
            if node == target {
                return true;
            }
            if seen.insert(node.clone()) {
                stack.extend(edges.get(&node).into_iter().flatten().cloned());
            }
        }
        false
    };
    for def in types.iter_mut() {
        let name = def.name.clone();
        match &mut def.kind {
            TypeKind::Struct(s) => {
                for field in &mut s.fields {
                    if let Some(target) = field.ty.named() {
                        field.boxed = reaches(target, &name);
                    }
                }
            }
            TypeKind::Union(u) => {
                for variant in &mut u.variants {
                    if let Some(target) = variant.ty.named() {
                        variant.boxed = reaches(target, &name);
                    }
                }
            }
            _ => {}
        }
    }
}

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

/// A Rust type alias cannot mention itself, even through `Vec`
/// (`type A = Vec<A>`), so a cycle made only of aliases and maps is refused.
fn refuse_alias_cycles(types: &[TypeDef]) -> Result<()> {
    let edges: BTreeMap<&str, Vec<&str>> = types
        .iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Alias(ty) | TypeKind::Map(ty) => {
                let mut out = Vec::new();
                ty.mentions(&mut |name| out.push(name));
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
    // `target` contains `name` again iff both are in one strongly connected
    // component of the containment graph (the field is an edge name →
    // target): one linear pass, however many fields there are.
    let component = strongly_connected(&edges);
    let reaches = |from: &str, target: &str| -> bool {
        match (component.get(from), component.get(target)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        }
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

/// The strongly connected component of every node (Tarjan's algorithm,
/// iterative): nodes with equal numbers reach each other.
fn strongly_connected(edges: &BTreeMap<String, Vec<String>>) -> BTreeMap<&str, usize> {
    let nodes: Vec<&str> = edges.keys().map(String::as_str).collect();
    let index_of: BTreeMap<&str, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let successors: Vec<Vec<usize>> =
        nodes.iter().map(|n| edges[*n].iter().filter_map(|t| index_of.get(t.as_str()).copied()).collect()).collect();
    let count = nodes.len();
    let (mut index, mut low, mut on_stack) = (vec![usize::MAX; count], vec![0; count], vec![false; count]);
    let mut component = vec![usize::MAX; count];
    let (mut next_index, mut next_component) = (0, 0);
    let mut stack: Vec<usize> = Vec::new();
    for root in 0..count {
        if index[root] != usize::MAX {
            continue;
        }
        // (node, next successor to visit)
        let mut calls: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut next)) = calls.last_mut() {
            if let Some(&successor) = successors[node].get(*next) {
                *next += 1;
                if index[successor] == usize::MAX {
                    index[successor] = next_index;
                    low[successor] = next_index;
                    next_index += 1;
                    stack.push(successor);
                    on_stack[successor] = true;
                    calls.push((successor, 0));
                } else if on_stack[successor] {
                    low[node] = low[node].min(index[successor]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    nodes.into_iter().zip(component).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strongly_connected_components_group_nodes_that_reach_each_other() {
        let graph = |pairs: &[(&str, &[&str])]| -> BTreeMap<String, Vec<String>> {
            pairs.iter().map(|(n, ts)| ((*n).to_owned(), ts.iter().map(|t| (*t).to_owned()).collect())).collect()
        };
        let edges = graph(&[("a", &["b"]), ("b", &["c"]), ("c", &["a", "d"]), ("d", &[]), ("e", &["a", "e"])]);
        let c = strongly_connected(&edges);
        assert!(c["a"] == c["b"] && c["b"] == c["c"]);
        assert!(c["d"] != c["a"] && c["e"] != c["a"] && c["d"] != c["e"]);
    }
}

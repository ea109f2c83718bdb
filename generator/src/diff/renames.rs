//! Named types and security schemes that were renamed: one disappears, one
//! appears, and the two are the same apart from their name and docs.
//!
//! Types are otherwise matched by name. Recognising a rename lets the report
//! say "renamed" once instead of "removed" and "added", and lets a field whose
//! type changed only by that rename be reported as such.

use std::collections::BTreeMap;

use crate::ir::{Additional, Api, SecurityScheme, Shape, Type, TypeDef, TypeKind};
use crate::pointer::Pointer;

/// Old name → new name.
#[derive(Debug, Clone, Default)]
pub struct Renames {
    map: BTreeMap<String, String>,
}

impl Renames {
    pub fn get(&self, old: &str) -> Option<&str> {
        self.map.get(old).map(String::as_str)
    }

    /// The old name of a renamed type.
    pub fn old_name(&self, new: &str) -> Option<&str> {
        self.map.iter().find(|(_, n)| n.as_str() == new).map(|(o, _)| o.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.map.iter().map(|(o, n)| (o.as_str(), n.as_str()))
    }

    /// Pairs removed and added types of the same shape. A pair is taken only
    /// when it is unambiguous both ways; types that refer to renamed types are
    /// compared through the renames found so far, until nothing more pairs up.
    pub fn of_types(old: &Api, new: &Api) -> Renames {
        let removed: Vec<&TypeDef> = old.types.iter().filter(|t| new.type_def(&t.name).is_none()).collect();
        let added: Vec<&TypeDef> = new.types.iter().filter(|t| old.type_def(&t.name).is_none()).collect();
        let mut renames = Renames::default();
        loop {
            let open_removed: Vec<&TypeDef> =
                removed.iter().copied().filter(|t| !renames.map.contains_key(&t.name)).collect();
            let open_added: Vec<&TypeDef> =
                added.iter().copied().filter(|t| renames.old_name(&t.name).is_none()).collect();
            let mut found = None;
            for r in &open_removed {
                let same: Vec<&TypeDef> = open_added.iter().copied().filter(|a| same_type(r, a, &renames)).collect();
                if let [a] = same.as_slice() {
                    let back = open_removed.iter().filter(|o| same_type(o, a, &renames)).count();
                    if back == 1 {
                        found = Some((r.name.clone(), a.name.clone()));
                        break;
                    }
                }
            }
            match found {
                Some((o, n)) => {
                    renames.map.insert(o, n);
                }
                None => return renames,
            }
        }
    }

    /// Pairs removed and added security schemes of the same kind, when
    /// unambiguous.
    pub fn of_schemes(old: &Api, new: &Api) -> Renames {
        let known = |api: &Api, name: &str| api.security_schemes.iter().any(|s| s.name == name);
        let removed: Vec<&SecurityScheme> = old.security_schemes.iter().filter(|s| !known(new, &s.name)).collect();
        let added: Vec<&SecurityScheme> = new.security_schemes.iter().filter(|s| !known(old, &s.name)).collect();
        let mut renames = Renames::default();
        for r in &removed {
            let same: Vec<&&SecurityScheme> = added.iter().filter(|a| a.kind == r.kind).collect();
            if let [a] = same.as_slice() {
                if removed.iter().filter(|o| o.kind == a.kind).count() == 1 {
                    renames.map.insert(r.name.clone(), a.name.clone());
                }
            }
        }
        renames
    }
}

/// Whether `old`, read through `renames`, and `new` describe the same values
/// the same way (docs, pointers and deprecation aside).
fn same_type(old: &TypeDef, new: &TypeDef, renames: &Renames) -> bool {
    normalized(old, Some(renames)) == normalized(new, None)
}

fn normalized(def: &TypeDef, renames: Option<&Renames>) -> TypeDef {
    let ty = |t: &Type| normalized_use(t, renames);
    let kind = match &def.kind {
        TypeKind::Struct(s) => {
            let mut s = s.clone();
            for field in &mut s.fields {
                field.pointer = Pointer::root();
                field.docs = None;
                field.deprecated = false;
                field.ty = ty(&field.ty);
            }
            if let Additional::Typed(values) = &s.additional_properties {
                s.additional_properties = Additional::Typed(Box::new(ty(values)));
            }
            TypeKind::Struct(s)
        }
        TypeKind::Enum(e) => TypeKind::Enum(e.clone()),
        TypeKind::ValueEnum(e) => TypeKind::ValueEnum(e.clone()),
        TypeKind::Union(u) => {
            let mut u = u.clone();
            for variant in &mut u.variants {
                variant.pointer = Pointer::root();
                variant.ty = ty(&variant.ty);
            }
            TypeKind::Union(u)
        }
        TypeKind::Map(values) => TypeKind::Map(ty(values)),
        TypeKind::Alias(target) => TypeKind::Alias(ty(target)),
    };
    TypeDef {
        name: String::new(),
        pointer: Pointer::root(),
        docs: None,
        kind,
        constraints: def.constraints.clone(),
        nullable: def.nullable,
        deprecated: false,
    }
}

fn normalized_use(ty: &Type, renames: Option<&Renames>) -> Type {
    let shape = match &ty.shape {
        Shape::Array(item) => Shape::Array(Box::new(normalized_use(item, renames))),
        Shape::Map(values) => Shape::Map(Box::new(normalized_use(values, renames))),
        Shape::Named(name) => {
            Shape::Named(renames.and_then(|r| r.get(name)).map(str::to_owned).unwrap_or_else(|| name.clone()))
        }
        shape => shape.clone(),
    };
    Type { shape, ..ty.clone() }
}

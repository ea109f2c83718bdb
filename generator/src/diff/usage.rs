//! Which way each named type travels: in requests (sent by clients, checked
//! by servers), in responses (sent by servers, read by clients), or both.
//! Whether a change breaks anyone depends on it.

use std::collections::BTreeMap;

use crate::ir::{Additional, Api, Shape, Type, TypeKind};

/// The directions a value travels in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Direction {
    /// Part of a request: a parameter or a request body.
    pub input: bool,
    /// Part of a response.
    pub output: bool,
}

impl Direction {
    pub const INPUT: Direction = Direction { input: true, output: false };
    pub const OUTPUT: Direction = Direction { input: false, output: true };
    pub const BOTH: Direction = Direction { input: true, output: true };
    pub const NONE: Direction = Direction { input: false, output: false };

    pub fn union(self, other: Direction) -> Direction {
        Direction { input: self.input || other.input, output: self.output || other.output }
    }

    fn contains(self, other: Direction) -> bool {
        self.union(other) == self
    }
}

/// The direction of every named type an operation reaches.
#[derive(Debug, Clone, Default)]
pub struct Usage {
    types: BTreeMap<String, Direction>,
}

impl Usage {
    pub fn of(api: &Api) -> Usage {
        let mut usage = Usage::default();
        for op in &api.operations {
            for p in &op.parameters {
                usage.mark(api, p.ty(), Direction::INPUT);
            }
            for content in op.request_body.iter().flat_map(|b| &b.content) {
                if let Some(ty) = &content.ty {
                    usage.mark(api, ty, Direction::INPUT);
                }
            }
            for response in &op.responses {
                for ty in response.content.iter().filter_map(|c| c.ty.as_ref()) {
                    usage.mark(api, ty, Direction::OUTPUT);
                }
                for header in &response.headers {
                    usage.mark(api, &header.ty, Direction::OUTPUT);
                }
            }
        }
        usage
    }

    /// The directions of a named type; both for a type no operation uses
    /// (it is public in the models crate, anyone may use it either way).
    pub fn get(&self, name: &str) -> Direction {
        self.types.get(name).copied().unwrap_or(Direction::BOTH)
    }

    fn mark(&mut self, api: &Api, ty: &Type, dir: Direction) {
        match &ty.shape {
            Shape::Array(item) | Shape::Map(item) => self.mark(api, item, dir),
            Shape::Named(name) => {
                let known = self.types.get(name).copied().unwrap_or_default();
                if known.contains(dir) {
                    return;
                }
                self.types.insert(name.clone(), known.union(dir));
                let Some(def) = api.type_def(name) else { return };
                match &def.kind {
                    TypeKind::Struct(s) => {
                        for field in &s.fields {
                            self.mark(api, &field.ty, dir);
                        }
                        if let Additional::Typed(values) = &s.additional_properties {
                            self.mark(api, values, dir);
                        }
                    }
                    TypeKind::Map(values) => self.mark(api, values, dir),
                    TypeKind::Alias(target) => self.mark(api, target, dir),
                    TypeKind::Union(u) => {
                        for variant in &u.variants {
                            self.mark(api, &variant.ty, dir);
                        }
                    }
                    TypeKind::Enum(_) | TypeKind::ValueEnum(_) => {}
                }
            }
            Shape::Primitive(_) | Shape::Any => {}
        }
    }
}

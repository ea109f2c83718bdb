//! Alternatives combined with common parts: `oneOf`/`anyOf` beside
//! `properties` whose parts add properties, and an `allOf` with one
//! `oneOf`/`anyOf` part. A value has the common properties *and* those of
//! one alternative, so the type is a union whose variants are the merged
//! structs `<Name><Alternative>` (common parts, own properties, then the
//! alternative's), each checked and decoded as a whole: `(A and B) or (A
//! and C)` for `A and (B or C)`.

use std::borrow::Cow;

use openapiv3::{ObjectType, ReferenceOr, Schema};

use super::Lowerer;
use super::compose::{Composite, composite};
use crate::error::Result;
use crate::ir::{Constraints, Shape, Type, TypeDef, TypeKind, Union, UnionVariant};
use crate::naming::type_name;
use crate::pointer::Pointer;

/// The schema of an `allOf` part, through `$ref`s to components.
pub(super) type Part<'s> = (&'s ReferenceOr<Schema>, Pointer);

/// Object keywords written beside a composition, and their place.
pub(super) type Own<'s> = (Cow<'s, ObjectType>, Pointer);

impl<'a> Lowerer<'a> {
    /// The union of `common` + `owns` + each of `alternatives`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn distributed<'s>(
        &mut self,
        name: &str,
        common: &[Part<'s>],
        owns: &[Own<'s>],
        alternatives: &[Part<'s>],
        any_of: bool,
        discriminator: Option<&openapiv3::Discriminator>,
        at: &Pointer,
    ) -> Result<(Union, bool)>
    where
        'a: 's,
    {
        let mut variants: Vec<UnionVariant> = Vec::new();
        for (i, (alternative, alternative_at)) in alternatives.iter().enumerate() {
            let label = match alternative {
                ReferenceOr::Reference { reference } => {
                    let key = self.component_schema(reference, alternative_at).map(|(_, key, _)| key);
                    key.map_or_else(|_| format!("Variant{i}"), |key| type_name(&key))
                }
                ReferenceOr::Item(_) => format!("Variant{i}"),
            };
            let struct_name = self.claim_inline(format!("{name}{label}"), alternative_at)?;
            let mut parts: Vec<Part<'s>> = common.to_vec();
            parts.push((*alternative, alternative_at.clone()));
            let index = self.types.len();
            let (merged, nullable) = self.merged_struct(&struct_name, &parts, owns)?;
            self.types.insert(
                index,
                TypeDef {
                    name: struct_name.clone(),
                    pointer: alternative_at.clone(),
                    docs: None,
                    kind: TypeKind::Struct(merged),
                    constraints: Constraints::default(),
                    nullable,
                    deprecated: false,
                },
            );
            let variant = if variants.iter().any(|v| v.name == label) { format!("{label}{i}") } else { label };
            variants.push(UnionVariant {
                name: variant,
                pointer: alternative_at.clone(),
                ty: Type::new(Shape::Named(struct_name)),
                boxed: false,
            });
        }
        let discriminator = match discriminator {
            Some(d) => self.discriminator(d, alternatives, at)?,
            None => None,
        };
        Ok((Union { variants, any_of, discriminator }, false))
    }

    /// The one `oneOf`/`anyOf` among the parts of an `allOf` (through
    /// `$ref`s to components), with the object keywords beside it in that
    /// part: its index, alternatives, `anyOf`-ness and discriminator. `None`
    /// when there is none, or more than one.
    pub(super) fn union_part<'s>(&self, parts: &[Part<'s>]) -> Result<Option<UnionPart<'s>>>
    where
        'a: 's,
    {
        let mut found = None;
        for (index, (part, part_at)) in parts.iter().enumerate() {
            let (schema, schema_at): (&'s Schema, Pointer) = match part {
                ReferenceOr::Item(schema) => (schema, part_at.clone()),
                ReferenceOr::Reference { reference } => {
                    if self.foreign_target(reference, super::Section::Schemas, part_at)?.is_some() {
                        continue;
                    }
                    let (schema, _, target) = self.component_schema(reference, part_at)?;
                    (schema, target)
                }
            };
            let (alternatives, any_of, own) = match composite(schema, &schema_at)? {
                Some(Composite::Union { parts: alternatives, any_of, .. }) => (alternatives, any_of, None),
                Some(Composite::Extended { own, parts: alternatives, any_of }) => {
                    (alternatives, any_of, Some((own, schema_at)))
                }
                _ => continue,
            };
            if found.is_some() {
                return Ok(None);
            }
            found = Some(UnionPart {
                index: Some(index),
                alternatives,
                any_of,
                discriminator: schema.schema_data.discriminator.as_ref(),
                own,
            });
        }
        Ok(found)
    }
}

/// See [`Lowerer::union_part`]; also a `oneOf`/`anyOf` written beside an
/// `allOf` (no index: it is none of the parts).
pub(super) struct UnionPart<'s> {
    pub index: Option<usize>,
    pub alternatives: Vec<Part<'s>>,
    pub any_of: bool,
    pub discriminator: Option<&'s openapiv3::Discriminator>,
    /// Object keywords beside the `oneOf`/`anyOf` in its part.
    pub own: Option<Own<'s>>,
}

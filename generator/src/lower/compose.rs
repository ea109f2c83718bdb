//! `allOf`, `oneOf` and `anyOf`.
//!
//! - `allOf` of one schema (plus annotation-only parts such as
//!   `{nullable: true}` or `{description: ...}`) is that schema.
//! - `allOf` of several object schemas (inline or `$ref`, themselves possibly
//!   `allOf`s) is one struct: properties in order of appearance, `required`
//!   merged. A property declared twice keeps its first type (a value must
//!   satisfy both; GitHub's spec narrows properties this way), unless the two
//!   have no kind of JSON value in common: then it is any JSON value, with a
//!   warning.
//! - `oneOf`/`anyOf` of several schemas is a [`Union`]. Parts that only say
//!   `null` (`{nullable: true}`, `{type: "null"}`, `{enum: [null]}`) make the
//!   union nullable instead of being variants; a single remaining part is
//!   that part's type.
//! - `oneOf`/`anyOf` beside `properties` whose parts only list `required`
//!   properties or narrow declared ones (`{required: [a]}`, `{properties:
//!   {status: {enum: [done]}}}`) are conditions on the object: it is the
//!   struct of its properties, and the alternatives are listed in its docs
//!   (not checked).

use std::borrow::Cow;

use openapiv3::{AdditionalProperties, ObjectType, ReferenceOr, Schema, SchemaKind};

use super::Lowerer;
use super::distribute::{Own, UnionPart};
use crate::error::{Error, Result};
use crate::ir::{Additional, Discriminator, Shape, Struct, Type, Union, UnionVariant};
use crate::naming::type_name;
use crate::pointer::Pointer;

/// What a schema with `allOf`, `oneOf` or `anyOf` stands for.
pub(super) enum Composite<'s> {
    /// One schema in effect.
    Single { part: &'s ReferenceOr<Schema>, at: Pointer, nullable: bool },
    /// `allOf` of several objects (and the schema's own object keywords),
    /// perhaps beside a `oneOf`/`anyOf` (`beside`: the value is also one of
    /// its alternatives).
    Merge {
        parts: Vec<(&'s ReferenceOr<Schema>, Pointer)>,
        own: Option<Cow<'s, ObjectType>>,
        nullable: bool,
        beside: Option<Box<UnionPart<'s>>>,
    },
    /// `oneOf` / `anyOf` of several schemas.
    Union { parts: Vec<(&'s ReferenceOr<Schema>, Pointer)>, any_of: bool, nullable: bool },
    /// Properties plus alternatives that add properties: a union of merged
    /// structs (see [`super::distribute`]).
    Extended { own: Cow<'s, ObjectType>, parts: Vec<(&'s ReferenceOr<Schema>, Pointer)>, any_of: bool },
    /// Properties plus alternatives that only require or narrow them
    /// (documented, not checked).
    Alternatives { own: Cow<'s, ObjectType>, any_of: bool, alternatives: Vec<String> },
}

/// An object schema that is a source of properties for a merged struct.
struct Source<'s> {
    object: Cow<'s, ObjectType>,
    at: Pointer,
    /// Prefix for the names of inline property types (the owner's type name).
    owner: String,
}

/// The composition keyword of a schema and its parts, with the schema's own
/// object keywords beside it. `None` for a schema without composition.
pub(super) fn composite<'s>(schema: &'s Schema, at: &Pointer) -> Result<Option<Composite<'s>>> {
    let nullable = schema.schema_data.nullable;
    let mut beside = None;
    let (key, parts, own): (&str, &'s [ReferenceOr<Schema>], Option<Cow<'s, ObjectType>>) = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => ("allOf", all_of, None),
        SchemaKind::OneOf { one_of } => ("oneOf", one_of, None),
        SchemaKind::AnyOf { any_of } => ("anyOf", any_of, None),
        SchemaKind::Any(any) => {
            let lists = [("oneOf", &any.one_of), ("anyOf", &any.any_of), ("allOf", &any.all_of)];
            let mut present = lists.into_iter().filter(|(_, l)| !l.is_empty());
            let Some((mut key, mut parts)) = present.next() else { return Ok(None) };
            if let Some((other, other_parts)) = present.next() {
                // `allOf` beside one `oneOf`/`anyOf`: every part applies,
                // and one (or more) of the alternatives.
                if other != "allOf" || present.next().is_some() {
                    return Err(Error::unsupported(&at.join(other), format!("`{other}` beside `{key}`")));
                }
                beside = Some(Box::new(UnionPart {
                    index: None,
                    alternatives: parts.iter().enumerate().map(|(i, p)| (p, at.join(key).join(i))).collect(),
                    any_of: key == "anyOf",
                    discriminator: schema.schema_data.discriminator.as_ref(),
                    own: None,
                }));
                (key, parts) = (other, other_parts);
            }
            if let Some(typ) = any.typ.as_deref().filter(|t| *t != "object") {
                return Err(Error::unsupported(&at.join(key), format!("`{key}` beside `type: {typ}`")));
            }
            let scalar_keywords = any.pattern.is_some()
                || any.multiple_of.is_some()
                || any.minimum.is_some()
                || any.maximum.is_some()
                || any.format.is_some()
                || any.min_length.is_some()
                || any.max_length.is_some()
                || any.items.is_some()
                || any.min_items.is_some()
                || any.max_items.is_some()
                || !any.enumeration.is_empty()
                || any.not.is_some();
            if scalar_keywords {
                return Err(Error::unsupported(&at.join(key), format!("`{key}` beside keywords of a type")));
            }
            let own = (!any.properties.is_empty() || !any.required.is_empty() || any.additional_properties.is_some())
                .then(|| {
                    Cow::Owned(ObjectType {
                        properties: any.properties.clone(),
                        required: any.required.clone(),
                        additional_properties: any.additional_properties.clone(),
                        min_properties: any.min_properties,
                        max_properties: any.max_properties,
                    })
                });
            (key, parts.as_slice(), own)
        }
        _ => return Ok(None),
    };
    let at_part = |i: usize| at.join(key).join(i);
    if key == "allOf" {
        let mut nullable = nullable;
        let mut kept = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            match annotation_only(part) {
                Some(null) => nullable |= null,
                None => kept.push((part, at_part(i))),
            }
        }
        if own.is_none() && beside.is_none() && kept.len() == 1 {
            let (part, at) = kept.remove(0);
            return Ok(Some(Composite::Single { part, at, nullable }));
        }
        return Ok(Some(Composite::Merge { parts: kept, own, nullable, beside }));
    }
    if let Some(own) = own {
        let alternatives: Option<Vec<String>> = parts.iter().map(|p| refinement(p, &own)).collect();
        return match alternatives {
            Some(alternatives) if !own.properties.is_empty() => {
                Ok(Some(Composite::Alternatives { own, any_of: key == "anyOf", alternatives }))
            }
            _ => Ok(Some(Composite::Extended {
                own,
                parts: parts.iter().enumerate().map(|(i, p)| (p, at_part(i))).collect(),
                any_of: key == "anyOf",
            })),
        };
    }
    // `anyOf: [{required: [a]}, {required: [b]}]` alone: conditions on an
    // object of any properties (documented, not checked).
    if schema.schema_data.discriminator.is_none()
        && let Some(alternatives) = parts.iter().map(required_only).collect::<Option<Vec<_>>>()
        && alternatives.iter().all(|a| !a.is_empty())
    {
        let alternatives = parts.iter().map(|p| serde_json::to_string(p).unwrap_or_default()).collect();
        return Ok(Some(Composite::Alternatives {
            own: Cow::Owned(ObjectType::default()),
            any_of: key == "anyOf",
            alternatives,
        }));
    }
    let mut nullable = nullable;
    let mut kept = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if says_null(part) {
            nullable = true;
        } else if says_never(part) {
            // An alternative no value fits (`lower/intersect.rs` narrows to it).
        } else {
            kept.push((part, at_part(i)));
        }
    }
    if kept.len() == 1 {
        let (part, at) = kept.remove(0);
        return Ok(Some(Composite::Single { part, at, nullable }));
    }
    if kept.is_empty() {
        return Err(Error::unsupported(&at.join(key), format!("`{key}` whose only value is `null`")));
    }
    Ok(Some(Composite::Union { parts: kept, any_of: key == "anyOf", nullable }))
}

/// `Some(nullable)` for an inline part with nothing but annotations
/// (`description`, `nullable`, ...): it does not change the shape.
fn annotation_only(part: &ReferenceOr<Schema>) -> Option<bool> {
    match part {
        ReferenceOr::Item(s) => match &s.schema_kind {
            SchemaKind::Any(any) if *any == openapiv3::AnySchema::default() => Some(s.schema_data.nullable),
            _ => None,
        },
        ReferenceOr::Reference { .. } => None,
    }
}

/// Whether a part is `{not: {}}`: no value fits it.
fn says_never(part: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(s) = part else { return false };
    matches!(&s.schema_kind, SchemaKind::Not { not } if matches!(&**not, ReferenceOr::Item(n) if matches!(&n.schema_kind, SchemaKind::Any(any) if *any == openapiv3::AnySchema::default())))
}

/// Whether a part of a `oneOf`/`anyOf` only says "`null`".
fn says_null(part: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(s) = part else { return false };
    match &s.schema_kind {
        SchemaKind::Any(any) => {
            let only_null_enum = any.enumeration.iter().all(serde_json::Value::is_null);
            let bare = openapiv3::AnySchema { typ: None, enumeration: Vec::new(), ..any.clone() };
            bare == openapiv3::AnySchema::default()
                && only_null_enum
                && (any.typ.as_deref() == Some("null")
                    || (any.typ.is_none() && !any.enumeration.is_empty())
                    || (any.typ.is_none() && s.schema_data.nullable))
        }
        _ => false,
    }
}

/// A part of a `oneOf`/`anyOf` beside `properties` that only restates
/// `required` properties or narrows declared ones: its JSON, for the docs.
fn refinement(part: &ReferenceOr<Schema>, own: &ObjectType) -> Option<String> {
    let ReferenceOr::Item(s) = part else { return None };
    let SchemaKind::Any(any) = &s.schema_kind else { return None };
    let bare = openapiv3::AnySchema {
        typ: None,
        properties: Default::default(),
        required: Vec::new(),
        additional_properties: None,
        ..any.clone()
    };
    let fits = bare == openapiv3::AnySchema::default()
        && any.typ.as_deref().is_none_or(|t| t == "object")
        && any.properties.keys().all(|k| own.properties.contains_key(k))
        && matches!(any.additional_properties, None | Some(AdditionalProperties::Any(true)));
    fits.then(|| serde_json::to_string(s).unwrap_or_default())
}

/// The `required` list of a part that says nothing else.
fn required_only(part: &ReferenceOr<Schema>) -> Option<Vec<String>> {
    let ReferenceOr::Item(s) = part else { return None };
    match &s.schema_kind {
        SchemaKind::Any(any) => {
            let bare = openapiv3::AnySchema { required: Vec::new(), ..any.clone() };
            (bare == openapiv3::AnySchema::default()).then(|| any.required.clone())
        }
        _ => None,
    }
}

impl<'a> Lowerer<'a> {
    /// The struct an `allOf` of objects stands for.
    pub(super) fn merged_struct<'s>(
        &mut self,
        name: &str,
        parts: &[(&'s ReferenceOr<Schema>, Pointer)],
        owns: &[Own<'s>],
    ) -> Result<(Struct, bool)>
    where
        'a: 's,
    {
        let mut sources: Vec<Source<'s>> = Vec::new();
        let mut nullable = false;
        for (part, part_at) in parts {
            self.sources(part, part_at, name, &mut sources, &mut nullable, 0)?;
        }
        for (own, at) in owns {
            sources.push(Source { object: own.clone(), at: at.clone(), owner: name.to_owned() });
        }
        let mut fields: Vec<crate::ir::Field> = Vec::new();
        let mut required: Vec<String> = Vec::new();
        let mut undeclared: Vec<(String, Pointer)> = Vec::new();
        let mut additional = Additional::Unspecified;
        for source in &sources {
            for (property, schema) in &source.object.properties {
                let (types_before, examples_before) = (self.types.len(), self.examples.len());
                let field = self.field(&source.owner, property, schema, &source.at)?;
                match fields.iter_mut().find(|f| f.wire_name == *property) {
                    // No value fits both (a spec error): any JSON value, so
                    // what either declaration allows decodes.
                    Some(earlier) if self.json_kinds(&earlier.ty) & self.json_kinds(&field.ty) == 0 => {
                        self.warn(
                            &field.pointer,
                            format!(
                                "`allOf` declares property `{property}` with a type no value of which fits the one at {} ({} here, {} there): it is generated as any JSON value",
                                earlier.pointer,
                                describe(&field.ty),
                                describe(&earlier.ty),
                            ),
                        );
                        earlier.ty =
                            Type { nullable: earlier.ty.nullable || field.ty.nullable, ..Type::new(Shape::Any) };
                        earlier.default = None;
                        self.forget_since(types_before, examples_before);
                    }
                    // Both apply: the first declaration stays (a value that
                    // satisfies both decodes as it), `null` if either allows it
                    // (models decode leniently).
                    Some(earlier) => {
                        earlier.ty.nullable |= field.ty.nullable;
                        // Types defined just now for the dropped declaration
                        // would be unused: forget them.
                        self.forget_since(types_before, examples_before);
                    }
                    None => fields.push(field),
                }
            }
            for (i, property) in source.object.required.iter().enumerate() {
                if !required.contains(property) {
                    required.push(property.clone());
                }
                if !fields.iter().any(|f| f.wire_name == *property) && !source.object.properties.contains_key(property)
                {
                    undeclared.push((property.clone(), source.at.join("required").join(i)));
                }
            }
            // The first part that says something about other keys decides:
            // a `false` in one part of an `allOf` would forbid the other
            // parts' properties, which is not what such specs mean.
            if additional == Additional::Unspecified {
                match &source.object.additional_properties {
                    None | Some(AdditionalProperties::Any(false)) => {}
                    Some(AdditionalProperties::Any(true)) => {
                        additional = Additional::Typed(Box::new(Type::new(Shape::Any)));
                    }
                    Some(AdditionalProperties::Schema(schema)) => {
                        let value_at = source.at.join("additionalProperties");
                        let ty = self.lower_use(schema, &value_at, &format!("{}Value", source.owner))?;
                        additional = Additional::Typed(Box::new(ty));
                    }
                }
            }
        }
        // Required by one part, declared by none: any value, required.
        for (property, pointer) in undeclared {
            if !fields.iter().any(|f| f.wire_name == property) {
                fields.push(super::schema::undeclared_required(&property, &pointer));
            }
        }
        super::names::distinct_field_names(&mut fields);
        for field in &mut fields {
            field.required = required.contains(&field.wire_name);
        }
        Ok((Struct { fields, additional_properties: additional }, nullable))
    }

    /// Forgets the types and examples recorded since the given counts.
    fn forget_since(&mut self, types_before: usize, examples_before: usize) {
        for def in self.types.drain(types_before..) {
            self.taken.remove(&def.name);
            self.inline.retain(|_, name| *name != def.name);
        }
        for example in self.examples.drain(examples_before..) {
            self.seen_examples.remove(&example.pointer);
        }
    }

    /// Collects the object schemas a part of an `allOf` contributes.
    fn sources<'s>(
        &mut self,
        part: &'s ReferenceOr<Schema>,
        at: &Pointer,
        owner: &str,
        out: &mut Vec<Source<'s>>,
        nullable: &mut bool,
        depth: usize,
    ) -> Result<()>
    where
        'a: 's,
    {
        if depth > 32 {
            return Err(Error::unsupported(at, "an `allOf` that includes itself"));
        }
        let (schema_ref, at, owner): (&'s Schema, Pointer, String) = match part {
            ReferenceOr::Item(schema) => (schema, at.clone(), owner.to_owned()),
            ReferenceOr::Reference { reference }
                if self.foreign_target(reference, super::Section::Schemas, at)?.is_some() =>
            {
                return self.foreign_source(reference, at, owner, out, nullable, depth);
            }
            ReferenceOr::Reference { reference } => {
                let (schema, key, target) = self.component_schema(reference, at)?;
                let name = self.components.get(&key).cloned().unwrap_or_else(|| type_name(&key));
                (schema, target, name)
            }
        };
        match composite(schema_ref, &at)? {
            Some(Composite::Merge { beside: Some(_), .. }) => {
                Err(Error::unsupported(&at, "a `oneOf`/`anyOf` beside an `allOf` inside an `allOf`"))
            }
            Some(Composite::Merge { parts, own, nullable: n, beside: None }) => {
                *nullable |= n;
                for (part, part_at) in parts {
                    self.sources(part, &part_at, &owner, out, nullable, depth + 1)?;
                }
                if let Some(own) = own {
                    out.push(Source { object: own, at, owner });
                }
                Ok(())
            }
            Some(Composite::Single { part, at: part_at, nullable: n }) => {
                *nullable |= n;
                self.sources(part, &part_at, &owner, out, nullable, depth + 1)
            }
            Some(Composite::Alternatives { own, any_of, .. }) => {
                let key = if any_of { "anyOf" } else { "oneOf" };
                self.warn(
                    &at.join(key),
                    format!("the alternatives of this `{key}` only require or narrow properties: the merged struct does not check them"),
                );
                out.push(Source { object: own, at, owner });
                Ok(())
            }
            Some(Composite::Union { .. } | Composite::Extended { .. }) => {
                Err(Error::unsupported(&at, "a `oneOf`/`anyOf` inside an `allOf` inside an `allOf`"))
            }
            None => match super::schema::object_view(schema_ref) {
                Some(object) => {
                    out.push(Source { object, at, owner });
                    Ok(())
                }
                None => match &schema_ref.schema_kind {
                    // `{required: [a]}`: only requires properties.
                    SchemaKind::Any(any)
                        if *any == openapiv3::AnySchema { required: any.required.clone(), ..Default::default() } =>
                    {
                        let object = ObjectType { required: any.required.clone(), ..Default::default() };
                        out.push(Source { object: Cow::Owned(object), at, owner });
                        Ok(())
                    }
                    _ => Err(Error::unsupported(&at, "an `allOf` part that is not an object")),
                },
            },
        }
    }

    /// An `allOf` part that is a `$ref` to a place outside
    /// `#/components/schemas` (a part of another schema's `allOf`, a
    /// property): followed to a component schema or to an object schema,
    /// whose properties it contributes.
    fn foreign_source<'s>(
        &mut self,
        reference: &str,
        at: &Pointer,
        owner: &str,
        out: &mut Vec<Source<'s>>,
        nullable: &mut bool,
        depth: usize,
    ) -> Result<()>
    where
        'a: 's,
    {
        let mut reference = reference.to_owned();
        let mut at = at.clone();
        for _ in 0..64 {
            let Some(target) = self.foreign_target(&reference, super::Section::Schemas, &at)? else {
                // A component: read as any other `allOf` part referencing it.
                let (_, key, component_at) = self.component_schema(&reference, &at)?;
                let name = self.components.get(&key).cloned().unwrap_or_else(|| type_name(&key));
                let doc: &'a openapiv3::OpenAPI = self.doc;
                return match doc.components.as_ref().and_then(|c| c.schemas.get(&key)) {
                    Some(part) => self.sources(part, &component_at, &name, out, nullable, depth + 1),
                    None => Ok(()),
                };
            };
            match self.read_foreign::<ReferenceOr<Schema>>(&reference, &target, &at)? {
                ReferenceOr::Reference { reference: next } => {
                    reference = next;
                    at = target;
                }
                ReferenceOr::Item(schema) => {
                    *nullable |= schema.schema_data.nullable;
                    // An `allOf` there: each of its parts, read at its place.
                    let (places, own) = match composite(&schema, &target)? {
                        None => (Vec::new(), None),
                        Some(Composite::Merge { parts, own, nullable: n, beside: None }) => {
                            *nullable |= n;
                            (parts.into_iter().map(|(_, at)| at).collect(), own.map(Cow::into_owned))
                        }
                        Some(Composite::Single { at: part_at, nullable: n, .. }) => {
                            *nullable |= n;
                            (vec![part_at], None)
                        }
                        Some(_) => {
                            return Err(Error::unsupported(
                                &target,
                                "an `allOf` part that is a `$ref` outside #/components/schemas to a `oneOf`/`anyOf`",
                            ));
                        }
                    };
                    if depth > 32 {
                        return Err(Error::unsupported(&at, "an `allOf` that includes itself"));
                    }
                    if !places.is_empty() {
                        for place in places {
                            // `%` is the one character a fragment must escape here.
                            let reference = format!("#{}", place.as_json_pointer().replace('%', "%25"));
                            self.foreign_source(&reference, &place, owner, out, nullable, depth + 1)?;
                        }
                        if let Some(own) = own {
                            out.push(Source { object: Cow::Owned(own), at: target, owner: owner.to_owned() });
                        }
                        return Ok(());
                    }
                    let Some(object) = super::schema::object_view(&schema) else {
                        return Err(Error::unsupported(
                            &target,
                            "an `allOf` part that is a `$ref` outside #/components/schemas to a schema that is not an object",
                        ));
                    };
                    out.push(Source { object: Cow::Owned(object.into_owned()), at: target, owner: owner.to_owned() });
                    return Ok(());
                }
            }
        }
        Err(Error::Reference {
            pointer: at.join("$ref"),
            reference,
            problem: "is part of a cycle of references".to_owned(),
        })
    }

    /// The union a `oneOf`/`anyOf` stands for.
    pub(super) fn union(
        &mut self,
        name: &str,
        schema: &Schema,
        parts: &[(&ReferenceOr<Schema>, Pointer)],
        any_of: bool,
        at: &Pointer,
    ) -> Result<(Union, bool)> {
        let mut variants: Vec<UnionVariant> = Vec::new();
        let mut nullable = false;
        for (i, (part, part_at)) in parts.iter().enumerate() {
            let mut ty = self.lower_use(part, part_at, &format!("{name}Variant{i}"))?;
            nullable |= ty.nullable;
            ty.nullable = false;
            let mut variant = match (&ty.shape, part) {
                (Shape::Named(n), ReferenceOr::Reference { .. }) => n.clone(),
                (Shape::Named(_), ReferenceOr::Item(_)) => format!("Variant{i}"),
                (shape, _) => shape_variant_name(shape).to_owned(),
            };
            if variants.iter().any(|v| v.name == variant) {
                variant = format!("{variant}{i}");
            }
            variants.push(UnionVariant { name: variant, pointer: part_at.clone(), ty, boxed: false });
        }
        let discriminator = match &schema.schema_data.discriminator {
            None => None,
            Some(d) => self.discriminator(d, parts, at)?,
        };
        Ok((Union { variants, any_of, discriminator }, nullable))
    }

    pub(super) fn discriminator(
        &mut self,
        d: &openapiv3::Discriminator,
        parts: &[(&ReferenceOr<Schema>, Pointer)],
        at: &Pointer,
    ) -> Result<Option<Discriminator>> {
        let at = at.join("discriminator");
        // Per alternative: its component key, or (inline, or a `$ref` to
        // another place) the place it is at.
        let mut keys: Vec<Result<String, Pointer>> = Vec::new();
        // An alternative that is not a component has no key to name it by:
        // it is selected by the values its discriminator property lists in
        // an `enum` (or by a `mapping` to its place).
        let mut inline_tags: Vec<(String, usize)> = Vec::new();
        for (index, (part, part_at)) in parts.iter().enumerate() {
            if let ReferenceOr::Reference { reference } = part
                && self.foreign_target(reference, super::Section::Schemas, part_at)?.is_none()
            {
                keys.push(Ok(self.component_schema(reference, part_at)?.1));
                continue;
            }
            let place = match part {
                ReferenceOr::Reference { reference } => self.target(reference, part_at)?,
                ReferenceOr::Item(_) => part_at.clone(),
            };
            let mapped = d.mapping.values().any(|t| Pointer::from_ref(t).as_ref() == Some(&place));
            let tags = self.tag_values(part_at, &d.property_name);
            if tags.is_empty() && !mapped {
                let what = match part {
                    ReferenceOr::Item(_) => "an inline schema",
                    ReferenceOr::Reference { .. } => "a schema outside #/components/schemas",
                };
                self.warn(
                    part_at,
                    format!(
                        "{what} in a `oneOf` with a `discriminator`, without an `enum` of its `{}`: the union is decoded by trying each alternative in turn",
                        d.property_name
                    ),
                );
                return Ok(None);
            }
            inline_tags.extend(tags.into_iter().map(|tag| (tag, index)));
            keys.push(Err(place));
        }
        // A tag two alternatives list selects neither.
        if let Some((tag, _)) =
            inline_tags.iter().find(|(tag, i)| inline_tags.iter().any(|(other, j)| other == tag && i != j))
        {
            self.warn(
                &at,
                format!(
                    "several alternatives list `{}: {tag}` in an `enum`: the discriminator cannot select one, so the union is decoded by trying each alternative in turn",
                    d.property_name
                ),
            );
            return Ok(None);
        }
        let mut mapping: Vec<(String, usize)> = inline_tags;
        for (value, target) in &d.mapping {
            let mapping_at = at.join("mapping").join(value);
            let wanted = match Pointer::from_ref(target) {
                Some(place) if self.foreign_target(target, super::Section::Schemas, &mapping_at)?.is_some() => {
                    Err(place)
                }
                Some(_) => Ok(self.component_schema(target, &mapping_at)?.1),
                // `other.yaml#/Pet`: a schema in another document.
                None if target.contains(['#', '/']) => {
                    self.warn(
                        &mapping_at,
                        format!("`{target}` is in another document: this mapping is left out (the value selects by the other rules)"),
                    );
                    continue;
                }
                None => Ok(target.clone()),
            };
            let Some(index) = keys.iter().position(|k| *k == wanted) else {
                return Err(Error::malformed(
                    &mapping_at,
                    format!("`{target}` is not one of the schemas of the `oneOf`"),
                ));
            };
            mapping.retain(|(v, _)| v != value);
            mapping.push((value.clone(), index));
        }
        for (index, key) in keys.iter().enumerate() {
            if let Ok(key) = key
                && !mapping.iter().any(|(value, i)| *i == index || value == key)
            {
                mapping.push((key.clone(), index));
            }
        }
        Ok(Some(Discriminator { property: d.property_name.clone(), mapping, fallback: None }))
    }

    /// A component schema by `$ref` (following chains of references): the
    /// schema, its key, and its pointer.
    pub(super) fn component_schema(&self, reference: &str, at: &Pointer) -> Result<(&'a Schema, String, Pointer)> {
        let doc: &'a openapiv3::OpenAPI = self.doc;
        let mut reference = reference.to_owned();
        let mut at = at.clone();
        for _ in 0..64 {
            let key = self.component_name(&reference, super::Section::Schemas, &at)?;
            let found = doc.components.as_ref().and_then(|c| c.schemas.get(&key));
            let target = Pointer::root().join("components").join("schemas").join(&key);
            match found {
                None => {
                    return Err(Error::Reference {
                        pointer: at.join("$ref"),
                        reference,
                        problem: "points at nothing in the document".to_owned(),
                    });
                }
                Some(ReferenceOr::Item(schema)) => return Ok((schema, key, target)),
                Some(ReferenceOr::Reference { reference: next }) => {
                    reference = next.clone();
                    at = target;
                }
            }
        }
        Err(Error::Reference {
            pointer: at.join("$ref"),
            reference,
            problem: "is part of a cycle of references".to_owned(),
        })
    }
}

const STRING: u8 = 1;
const INTEGER: u8 = 2;
const NUMBER: u8 = 4;
const BOOLEAN: u8 = 8;
const ARRAY: u8 = 16;
const OBJECT: u8 = 32;
const ALL: u8 = 63;

impl Lowerer<'_> {
    /// The JSON kinds of value a type admits, as a bit set (`null` aside).
    /// Types not lowered yet admit every kind.
    fn json_kinds(&self, ty: &Type) -> u8 {
        self.kinds_of(ty, 0)
    }

    fn kinds_of(&self, ty: &Type, depth: usize) -> u8 {
        use crate::ir::{Primitive, TypeKind};
        if depth > 32 {
            return ALL;
        }
        match &ty.shape {
            Shape::Primitive(Primitive::Int32 | Primitive::Int64) => INTEGER,
            Shape::Primitive(Primitive::Float | Primitive::Double) => NUMBER | INTEGER,
            Shape::Primitive(Primitive::Bool) => BOOLEAN,
            Shape::Primitive(_) => STRING,
            Shape::Array(_) => ARRAY,
            Shape::Map(_) => OBJECT,
            Shape::Any => ALL,
            Shape::Named(name) => match self.types.iter().find(|t| t.name == *name).map(|t| &t.kind) {
                None => ALL,
                Some(TypeKind::Struct(_) | TypeKind::Map(_)) => OBJECT,
                Some(TypeKind::Enum(_)) => STRING,
                Some(TypeKind::ValueEnum(e)) => e.variants.iter().fold(0, |k, v| {
                    k | match &v.value {
                        serde_json::Value::String(_) => STRING,
                        serde_json::Value::Bool(_) => BOOLEAN,
                        serde_json::Value::Number(n) if n.is_f64() => NUMBER,
                        serde_json::Value::Number(_) => INTEGER | NUMBER,
                        _ => 0,
                    }
                }),
                Some(TypeKind::Union(u)) => u.variants.iter().fold(0, |k, v| k | self.kinds_of(&v.ty, depth + 1)),
                Some(TypeKind::Alias(target)) => self.kinds_of(target, depth + 1),
            },
        }
    }
}

/// A type use in words, for error messages.
fn describe(ty: &Type) -> String {
    match &ty.shape {
        Shape::Primitive(p) => format!("{p:?}").to_lowercase(),
        Shape::Array(item) => format!("array of {}", describe(item)),
        Shape::Map(value) => format!("map of {}", describe(value)),
        Shape::Named(name) => name.clone(),
        Shape::Any => "any value".to_owned(),
    }
}

/// The variant name of an inline, unnamed part of a union.
fn shape_variant_name(shape: &Shape) -> &'static str {
    use crate::ir::Primitive;
    match shape {
        Shape::Primitive(Primitive::String) => "String",
        Shape::Primitive(Primitive::DateTime) => "DateTime",
        Shape::Primitive(Primitive::Date) => "Date",
        Shape::Primitive(Primitive::Bytes(_)) => "Bytes",
        Shape::Primitive(Primitive::Int32 | Primitive::Int64) => "Integer",
        Shape::Primitive(Primitive::Float | Primitive::Double) => "Number",
        Shape::Primitive(Primitive::Bool) => "Boolean",
        Shape::Array(_) => "Array",
        Shape::Map(_) => "Map",
        Shape::Named(_) => "Named",
        Shape::Any => "Value",
    }
}

//! Schemas → named types ([`TypeDef`]) and type uses ([`Type`]).
//!
//! Naming: a component schema is named after its key; an inline schema that
//! needs a name (an object with properties, an enum) is named after its
//! parent and the property (`Failure.error` → `FailureError`), array items get
//! `Item` and map values `Value` appended.

use std::borrow::{Borrow, Cow};

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ObjectType, ReferenceOr, Schema, SchemaData, SchemaKind,
    StringFormat, StringType, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::compose::{Composite, composite};
use super::enums::{string_enum, value_enum};
use super::{Lowerer, Section};
use crate::error::{Error, Result, Warning};
use crate::ir::{
    Additional, Bound, BytesEncoding, Constraints, Field, Primitive, Shape, Struct, Type, TypeDef, TypeKind,
};
use crate::naming::{disambiguate, type_name, value_name};
use crate::parse::SCHEMA_KEYWORDS;
use crate::pointer::Pointer;

impl Lowerer<'_> {
    /// Names every component schema first (so references can be resolved in
    /// any order), then lowers each one.
    pub(super) fn component_schemas(&mut self) -> Result<()> {
        let Some(components) = &self.doc.components else { return Ok(()) };
        let base = Pointer::root().join("components").join("schemas");
        // Schema keys that become the same Rust name are told apart by the
        // one renaming rule (`naming::disambiguate`).
        let wanted: Vec<(String, String)> = components.schemas.keys().map(|k| (type_name(k), k.clone())).collect();
        let names = disambiguate(&wanted, &[crate::naming::UNKNOWN_ENUM_VALUE]);
        for (key, name) in components.schemas.keys().zip(names) {
            let name = self.claim(name, &base.join(key))?;
            self.components.insert(key.clone(), name);
        }
        self.find_bases()?;
        for (key, schema) in &components.schemas {
            let at = base.join(key);
            let name = self.components[key].clone();
            let index = self.types.len();
            let def = match schema {
                ReferenceOr::Reference { reference } => {
                    let target = self.schema_ref_type(reference, &at)?;
                    TypeDef {
                        name,
                        pointer: at,
                        docs: None,
                        kind: TypeKind::Alias(target),
                        constraints: Constraints::default(),
                        nullable: false,
                        deprecated: false,
                    }
                }
                ReferenceOr::Item(schema) => match self.bases.get(key) {
                    Some(base) => {
                        // The base's own struct, then the union its name stands for.
                        let own = self.define(base.struct_name.clone(), schema, &at)?;
                        let union = self.base_union(key, &own)?;
                        self.types.insert(index, own);
                        union
                    }
                    None => self.define(name, schema, &at)?,
                },
            };
            // Inline types found while lowering it were pushed already; the
            // parent goes before them.
            self.types.insert(index, def);
        }
        Ok(())
    }

    /// The Rust name of the component schema a `$ref` points at.
    pub(super) fn schema_ref(&self, reference: &str, at: &Pointer) -> Result<String> {
        let key = self.component_name(reference, Section::Schemas, at)?;
        self.components.get(&key).cloned().ok_or_else(|| Error::Reference {
            pointer: at.join("$ref"),
            reference: reference.to_owned(),
            problem: "points at nothing in the document".to_owned(),
        })
    }

    /// Lowers a schema at a use site (a property, an item, a parameter, a body).
    /// Schemas that need a name get `hint`.
    pub(super) fn lower_use<S: Borrow<Schema>>(
        &mut self,
        schema: &ReferenceOr<S>,
        at: &Pointer,
        hint: &str,
    ) -> Result<Type> {
        match schema {
            ReferenceOr::Reference { reference } => self.schema_ref_type(reference, at),
            ReferenceOr::Item(schema) => self.lower_inline(schema.borrow(), at, hint),
        }
    }

    fn lower_inline(&mut self, schema: &Schema, at: &Pointer, hint: &str) -> Result<Type> {
        self.check_keywords(at)?;
        let intersected = self.intersected(schema, at)?;
        let schema = &*normalize(&intersected, at, &mut self.warnings)?;
        let composite = composite(schema, at)?;
        if let Some(Composite::Single { part, at: part_at, nullable }) = &composite {
            // `allOf: [$ref]` is the usual way to give a reference a
            // description or `nullable`; it is that type.
            let data = &schema.schema_data;
            let mut ty = self.lower_use(*part, part_at, hint)?;
            ty.nullable |= *nullable;
            if data.default.is_some() {
                ty.default = data.default.clone();
            }
            if let Some(example) = &data.example {
                self.example(at.join("example"), &ty, example);
            }
            return Ok(ty);
        }
        if composite.is_none() && !needs_name(schema) {
            if schema.schema_data.discriminator.is_some() {
                self.unused_discriminator(at);
            }
            let ty = self.lower_shape(schema, at, hint)?;
            if let Some(example) = &schema.schema_data.example {
                self.example(at.join("example"), &ty, example);
            }
            return Ok(ty);
        }
        let name = match self.inline.get(at) {
            Some(name) => name.clone(),
            None => {
                let name = self.claim_inline(type_name(hint), at)?;
                self.inline.insert(at.clone(), name.clone());
                let index = self.types.len();
                let def = self.define(name.clone(), schema, at)?;
                self.types.insert(index, def);
                name
            }
        };
        let data = &schema.schema_data;
        Ok(Type {
            shape: Shape::Named(name),
            constraints: Constraints::default(),
            nullable: data.nullable,
            default: data.default.clone(),
        })
    }

    /// Lowers a schema that is given the name `name`.
    fn define(&mut self, name: String, schema: &Schema, at: &Pointer) -> Result<TypeDef> {
        self.check_keywords(at)?;
        let intersected = self.intersected(schema, at)?;
        let schema = &*normalize(&intersected, at, &mut self.warnings)?;
        let data = &schema.schema_data;
        let mut constraints = Constraints::default();
        let mut nullable = data.nullable;
        let mut docs = docs(data);
        let mut one_schema = false;
        let kind = if let Some(composite) = composite(schema, at)? {
            match composite {
                Composite::Single { part, at: part_at, nullable: n } => {
                    // A `discriminator` over one schema selects nothing.
                    one_schema = true;
                    nullable |= n;
                    let ty = self.lower_use(part, &part_at, &name)?;
                    nullable |= ty.nullable;
                    TypeKind::Alias(Type { nullable: false, ..ty })
                }
                Composite::Merge { parts, own, nullable: n, beside } => {
                    let own = own.map(|own| (own, at.clone()));
                    let union = match beside {
                        Some(beside) => Some(*beside),
                        None => self.union_part(&parts)?,
                    };
                    nullable |= n;
                    match union {
                        // `allOf` with (or beside) one `oneOf`: the union of
                        // merged structs.
                        Some(union) => {
                            let mut common = parts.clone();
                            if let Some(index) = union.index {
                                common.remove(index);
                            }
                            let owns: Vec<_> = own.into_iter().chain(union.own).collect();
                            let (alternatives, any_of, d) = (&union.alternatives, union.any_of, union.discriminator);
                            let (u, _) = self.distributed(&name, &common, &owns, alternatives, any_of, d, at)?;
                            TypeKind::Union(u)
                        }
                        None => {
                            let (merged, n2) = self.merged_struct(&name, &parts, own.as_slice())?;
                            nullable |= n2;
                            TypeKind::Struct(merged)
                        }
                    }
                }
                Composite::Extended { own, parts, any_of } => {
                    let d = data.discriminator.as_ref();
                    let (union, _) = self.distributed(&name, &[], &[(own, at.clone())], &parts, any_of, d, at)?;
                    TypeKind::Union(union)
                }
                Composite::Union { parts, any_of, nullable: n } => {
                    let (union, n2) = self.union(&name, schema, &parts, any_of, at)?;
                    nullable |= n || n2;
                    TypeKind::Union(union)
                }
                Composite::Alternatives { own, any_of, alternatives } => {
                    let sets: Vec<String> = alternatives.iter().map(|a| format!("- `{a}`")).collect();
                    let note = format!(
                        "The spec also requires the value to match {} of these (not checked):\n{}",
                        if any_of { "at least one" } else { "exactly one" },
                        sets.join("\n")
                    );
                    docs = Some(match docs {
                        Some(d) => format!("{d}\n\n{note}"),
                        None => note,
                    });
                    constraints.min_properties = own.min_properties.map(to_u64);
                    constraints.max_properties = own.max_properties.map(to_u64);
                    if is_struct(&own) {
                        TypeKind::Struct(self.lower_struct(&name, &own, at)?)
                    } else {
                        // Only `required` lists: an object of any members.
                        let key = if any_of { "anyOf" } else { "oneOf" };
                        self.warn(
                            &at.join(key),
                            format!("the alternatives of this `{key}` only require properties: generated as an object of any members, which does not check them"),
                        );
                        TypeKind::Map(Type::new(Shape::Any))
                    }
                }
            }
        } else if let Some(object) = object_view(schema).filter(|o| is_struct(o)) {
            constraints.min_properties = object.min_properties.map(to_u64);
            constraints.max_properties = object.max_properties.map(to_u64);
            TypeKind::Struct(self.lower_struct(&name, &object, at)?)
        } else if let Some(values) = self.value_enum_values(schema, at) {
            if values.iter().all(Value::is_null) {
                nullable = true;
                self.only_null(at)
            } else {
                let typ = self.raw_at(at).and_then(|raw| raw.get("type")).and_then(Value::as_str).map(str::to_owned);
                TypeKind::ValueEnum(value_enum(&values, data, typ.as_deref(), at, &mut self.warnings)?)
            }
        } else if let SchemaKind::Type(openapiv3::Type::String(s)) = &schema.schema_kind
            && !s.enumeration.is_empty()
            && s.enumeration.iter().all(Option::is_none)
        {
            nullable = true;
            self.only_null(at)
        } else if let SchemaKind::Type(openapiv3::Type::String(s)) = &schema.schema_kind
            && !s.enumeration.is_empty()
        {
            TypeKind::Enum(string_enum(s, data, at, &mut self.warnings))
        } else {
            let mut ty = self.lower_shape(schema, at, &name)?;
            constraints = std::mem::take(&mut ty.constraints);
            match ty.shape {
                Shape::Map(value) => TypeKind::Map(*value),
                _ => TypeKind::Alias(Type { nullable: false, ..ty }),
            }
        };
        let is_base = self.bases.values().any(|b| b.struct_name == name);
        if data.discriminator.is_some() && !one_schema && !is_base && !matches!(kind, TypeKind::Union(_)) {
            self.unused_discriminator(at);
        }
        if let Some(example) = &data.example {
            self.example(at.join("example"), &Type::new(Shape::Named(name.clone())), example);
        }
        Ok(TypeDef { name, pointer: at.clone(), docs, kind, constraints, nullable, deprecated: data.deprecated })
    }

    /// An `enum` whose only value is `null`: any JSON value, nullable.
    fn only_null(&mut self, at: &Pointer) -> TypeKind {
        self.warn(
            &at.join("enum"),
            "an `enum` whose only value is `null`: generated as any JSON value or null (values other than `null` are not refused)",
        );
        TypeKind::Alias(Type::new(Shape::Any))
    }

    /// A `discriminator` that selects nothing: not beside a `oneOf`/`anyOf`,
    /// and no component schema `allOf`s the schema or is in its `mapping`.
    fn unused_discriminator(&mut self, at: &Pointer) {
        self.warn(
            &at.join("discriminator"),
            "a `discriminator` on a schema that no other schema extends (`allOf`) or lists in its `mapping`: it selects nothing and is ignored",
        );
    }

    fn lower_struct(&mut self, name: &str, object: &ObjectType, at: &Pointer) -> Result<Struct> {
        let mut fields = Vec::with_capacity(object.properties.len());
        for (property, schema) in &object.properties {
            let mut field = self.field(name, property, schema, at)?;
            field.required = object.required.contains(property);
            fields.push(field);
        }
        for (i, required) in object.required.iter().enumerate() {
            if !object.properties.contains_key(required) && !fields.iter().any(|f| f.wire_name == *required) {
                fields.push(undeclared_required(required, &at.join("required").join(i)));
            }
        }
        super::names::distinct_field_names(&mut fields);
        let additional_properties = match &object.additional_properties {
            None => Additional::Unspecified,
            Some(AdditionalProperties::Any(true)) => Additional::Typed(Box::new(Type::new(Shape::Any))),
            Some(AdditionalProperties::Any(false)) => Additional::Forbidden,
            Some(AdditionalProperties::Schema(schema)) => {
                let value_at = at.join("additionalProperties");
                Additional::Typed(Box::new(self.lower_use(schema, &value_at, &format!("{name}Value"))?))
            }
        };
        Ok(Struct { fields, additional_properties })
    }

    /// The field for `property` of the object at `at` whose type is named
    /// `owner` (not yet marked required).
    pub(super) fn field(
        &mut self,
        owner: &str,
        property: &str,
        schema: &ReferenceOr<Box<Schema>>,
        at: &Pointer,
    ) -> Result<Field> {
        let field_at = at.join("properties").join(property);
        let hint = format!("{owner}{}", type_name(property));
        let ty = self.lower_use(schema, &field_at, &hint)?;
        let data = match schema {
            ReferenceOr::Item(schema) => Some(&schema.schema_data),
            // OpenAPI 3.0 ignores keywords beside `$ref`.
            ReferenceOr::Reference { .. } => None,
        };
        Ok(Field {
            name: value_name(property),
            wire_name: property.to_owned(),
            pointer: field_at,
            docs: data.and_then(docs),
            default: ty.default.clone(),
            required: false,
            boxed: false,
            read_only: data.is_some_and(|d| d.read_only),
            write_only: data.is_some_and(|d| d.write_only),
            deprecated: data.is_some_and(|d| d.deprecated),
            ty,
        })
    }

    /// The values of an `enum` that is not a string enum (integers, numbers,
    /// booleans, or mixed values without `type`), read from the raw spec
    /// (`openapiv3` keeps only some of them). `None` without such an `enum`.
    fn value_enum_values(&self, schema: &Schema, at: &Pointer) -> Option<Vec<Value>> {
        let has_enum = match &schema.schema_kind {
            SchemaKind::Type(openapiv3::Type::Integer(i)) => !i.enumeration.is_empty(),
            SchemaKind::Type(openapiv3::Type::Number(n)) => !n.enumeration.is_empty(),
            SchemaKind::Type(openapiv3::Type::Boolean(b)) => !b.enumeration.is_empty(),
            SchemaKind::Any(any) => any.typ.is_none() && !any.enumeration.is_empty(),
            _ => false,
        };
        if !has_enum {
            return None;
        }
        match self.raw_at(at).and_then(|raw| raw.get("enum")) {
            Some(Value::Array(values)) => Some(values.clone()),
            _ => match &schema.schema_kind {
                SchemaKind::Any(any) => Some(any.enumeration.clone()),
                _ => None,
            },
        }
    }

    /// Lowers a schema that needs no name of its own: primitives, arrays,
    /// maps, free-form values, and references.
    fn lower_shape(&mut self, schema: &Schema, at: &Pointer, hint: &str) -> Result<Type> {
        let data = &schema.schema_data;
        let mut constraints = Constraints::default();
        let shape = match &schema.schema_kind {
            SchemaKind::Type(openapiv3::Type::String(s)) => {
                constraints.min_length = s.min_length.map(to_u64);
                constraints.max_length = s.max_length.map(to_u64);
                constraints.pattern = s.pattern.clone();
                Shape::Primitive(match &s.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Primitive::DateTime,
                    VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Primitive::Date,
                    VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Primitive::Bytes(BytesEncoding::Base64),
                    VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Primitive::Bytes(BytesEncoding::Binary),
                    // `password`, `uuid`, `uri`, ... are annotations on a string.
                    _ => Primitive::String,
                })
            }
            SchemaKind::Type(openapiv3::Type::Integer(i)) => {
                if !i.enumeration.is_empty() {
                    return Err(Error::unsupported(&at.join("enum"), "integer enums"));
                }
                constraints.minimum = i.minimum.map(|v| Bound { value: v as f64, exclusive: i.exclusive_minimum });
                constraints.maximum = i.maximum.map(|v| Bound { value: v as f64, exclusive: i.exclusive_maximum });
                constraints.multiple_of = i.multiple_of.map(|v| v as f64);
                Shape::Primitive(match &i.format {
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Primitive::Int32,
                    _ => Primitive::Int64,
                })
            }
            SchemaKind::Type(openapiv3::Type::Number(n)) => {
                if !n.enumeration.is_empty() {
                    return Err(Error::unsupported(&at.join("enum"), "number enums"));
                }
                constraints.minimum = n.minimum.map(|value| Bound { value, exclusive: n.exclusive_minimum });
                constraints.maximum = n.maximum.map(|value| Bound { value, exclusive: n.exclusive_maximum });
                constraints.multiple_of = n.multiple_of;
                Shape::Primitive(match &n.format {
                    VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Primitive::Float,
                    _ => Primitive::Double,
                })
            }
            SchemaKind::Type(openapiv3::Type::Boolean(b)) => {
                if !b.enumeration.is_empty() {
                    return Err(Error::unsupported(&at.join("enum"), "boolean enums"));
                }
                Shape::Primitive(Primitive::Bool)
            }
            SchemaKind::Type(openapiv3::Type::Object(object)) => self.map_shape(object, at, hint, &mut constraints)?,
            SchemaKind::Type(openapiv3::Type::Array(array)) => {
                constraints.min_items = array.min_items.map(to_u64);
                constraints.max_items = array.max_items.map(to_u64);
                constraints.unique_items = array.unique_items;
                let item = match &array.items {
                    Some(items) => self.lower_use(items, &at.join("items"), &format!("{hint}Item"))?,
                    None => {
                        self.warn(
                            at,
                            "`type: array` without `items` (OpenAPI 3.0 requires it): items are any JSON value",
                        );
                        Type::new(Shape::Any)
                    }
                };
                Shape::Array(Box::new(item))
            }
            SchemaKind::AllOf { .. } | SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => {
                // Named types (`define`) and `lower_inline` handle these first.
                return Err(Error::unsupported(at, "a composition (`allOf`/`oneOf`/`anyOf`) here"));
            }
            SchemaKind::Not { .. } => return Err(Error::unsupported(&at.join("not"), "`not`")),
            SchemaKind::Any(any) => {
                if let Some(typ) = &any.typ {
                    // openapiv3 reads a schema whose keywords belong to
                    // several types as `Any`; its `type` decides which apply.
                    let typed = Schema {
                        schema_data: data.clone(),
                        schema_kind: SchemaKind::Type(typed_from_any(any, typ, at, &mut self.warnings)?),
                    };
                    return self.lower_shape(&typed, at, hint);
                }
                for (key, empty) in [
                    ("oneOf", any.one_of.is_empty()),
                    ("anyOf", any.any_of.is_empty()),
                    ("allOf", any.all_of.is_empty()),
                ] {
                    if !empty {
                        return Err(Error::unsupported(&at.join(key), format!("`{key}` mixed with other keywords")));
                    }
                }
                if any.not.is_some() {
                    return Err(Error::unsupported(&at.join("not"), "`not`"));
                }
                if !any.enumeration.is_empty() {
                    return Err(Error::unsupported(&at.join("enum"), "`enum` on a schema without `type`"));
                }
                if let Some(items) = &any.items {
                    let item = self.lower_use(items, &at.join("items"), &format!("{hint}Item"))?;
                    Shape::Array(Box::new(item))
                } else if let Some(object) = object_view(schema) {
                    self.map_shape(&object, at, hint, &mut constraints)?
                } else {
                    Shape::Any
                }
            }
        };
        Ok(Type { shape, constraints, nullable: data.nullable, default: data.default.clone() })
    }

    /// An object without `properties`: a map (free-form when nothing is said
    /// about the values).
    fn map_shape(
        &mut self,
        object: &ObjectType,
        at: &Pointer,
        hint: &str,
        constraints: &mut Constraints,
    ) -> Result<Shape> {
        debug_assert!(object.properties.is_empty());
        constraints.min_properties = object.min_properties.map(to_u64);
        constraints.max_properties = object.max_properties.map(to_u64);
        let value = match &object.additional_properties {
            None | Some(AdditionalProperties::Any(true)) => Type::new(Shape::Any),
            Some(AdditionalProperties::Any(false)) => {
                // Named as empty structs (`is_struct`) before getting here.
                return Err(Error::unsupported(
                    &at.join("additionalProperties"),
                    "an object that allows no properties at all, here",
                ));
            }
            Some(AdditionalProperties::Schema(schema)) => {
                let value_at = at.join("additionalProperties");
                // The pinning spec writes `minProperties`/`maxProperties` inside
                // `additionalProperties` (a string schema, where they mean
                // nothing). They are read as limits on the map, which is what
                // the spec's authors meant: at most 1000 entries.
                if let Some(Value::Object(raw)) = self.raw_at(&value_at)
                    && raw.get("type").and_then(Value::as_str) != Some("object")
                {
                    let limit = |key: &str| raw.get(key).and_then(Value::as_u64);
                    constraints.min_properties = constraints.min_properties.or(limit("minProperties"));
                    constraints.max_properties = constraints.max_properties.or(limit("maxProperties"));
                }
                self.lower_use(schema, &value_at, &format!("{hint}Value"))?
            }
        };
        Ok(Shape::Map(Box::new(value)))
    }

    /// Refuses keywords that are not OpenAPI 3.0 schema keywords.
    fn check_keywords(&self, at: &Pointer) -> Result<()> {
        let Some(Value::Object(raw)) = self.raw_at(at) else { return Ok(()) };
        for key in raw.keys() {
            if !key.starts_with("x-") && !SCHEMA_KEYWORDS.contains(&key.as_str()) {
                return Err(Error::unsupported(&at.join(key), format!("`{key}` is not an OpenAPI 3.0 schema keyword")));
            }
        }
        Ok(())
    }
}

/// Whether an inline schema becomes a named type (compositions aside).
fn needs_name(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(openapiv3::Type::String(s)) => !s.enumeration.is_empty(),
        SchemaKind::Type(openapiv3::Type::Integer(i)) => !i.enumeration.is_empty(),
        SchemaKind::Type(openapiv3::Type::Number(n)) => !n.enumeration.is_empty(),
        SchemaKind::Type(openapiv3::Type::Boolean(b)) => !b.enumeration.is_empty(),
        SchemaKind::Any(any) if any.typ.is_none() && !any.enumeration.is_empty() => true,
        _ => object_view(schema).is_some_and(|o| is_struct(&o)),
    }
}

/// Whether an object is a struct: it has properties, or allows none at all
/// (`additionalProperties: false` alone: an empty struct).
fn is_struct(object: &ObjectType) -> bool {
    !object.properties.is_empty() || matches!(object.additional_properties, Some(AdditionalProperties::Any(false)))
}

/// The object keywords of a schema that is `type: object`, or that has no
/// `type` but object keywords (`properties`, `additionalProperties`).
pub(super) fn object_view(schema: &Schema) -> Option<Cow<'_, ObjectType>> {
    match &schema.schema_kind {
        SchemaKind::Type(openapiv3::Type::Object(object)) => Some(Cow::Borrowed(object)),
        // `type: object` beside keywords of other types (`minimum`, which
        // mean nothing for an object), or object keywords without `type`.
        SchemaKind::Any(any)
            if any.typ.as_deref() == Some("object")
                || (any.typ.is_none()
                    && any.items.is_none()
                    && (!any.properties.is_empty() || any.additional_properties.is_some())) =>
        {
            Some(Cow::Owned(ObjectType {
                properties: any.properties.clone(),
                required: any.required.clone(),
                additional_properties: any.additional_properties.clone(),
                min_properties: any.min_properties,
                max_properties: any.max_properties,
            }))
        }
        _ => None,
    }
}

/// `schema` with an `Any` kind that has a `type` read as that type.
fn normalize<'s>(schema: &'s Schema, at: &Pointer, warnings: &mut Vec<Warning>) -> Result<Cow<'s, Schema>> {
    match &schema.schema_kind {
        // Compositions are read by `compose::composite`, `type` included.
        SchemaKind::Any(any) if !any.one_of.is_empty() || !any.any_of.is_empty() || !any.all_of.is_empty() => {
            Ok(Cow::Borrowed(schema))
        }
        SchemaKind::Any(any) if any.typ.is_some() => Ok(Cow::Owned(Schema {
            schema_data: schema.schema_data.clone(),
            schema_kind: SchemaKind::Type(typed_from_any(any, any.typ.as_deref().unwrap_or_default(), at, warnings)?),
        })),
        _ => Ok(Cow::Borrowed(schema)),
    }
}

/// The typed reading of a schema `openapiv3` could only read as `Any`
/// because its keywords mix types: the keywords of `typ` apply, the others
/// mean nothing for a value of that type (JSON Schema semantics).
fn typed_from_any(
    any: &openapiv3::AnySchema,
    typ: &str,
    at: &Pointer,
    warnings: &mut Vec<Warning>,
) -> Result<openapiv3::Type> {
    fn format<T: std::str::FromStr>(format: &Option<String>) -> VariantOrUnknownOrEmpty<T> {
        match format {
            None => VariantOrUnknownOrEmpty::Empty,
            Some(f) => {
                f.parse().map_or_else(|_| VariantOrUnknownOrEmpty::Unknown(f.clone()), VariantOrUnknownOrEmpty::Item)
            }
        }
    }
    let whole = |v: f64, key: &str| -> Result<i64> {
        if v.fract() == 0.0 {
            Ok(v as i64)
        } else {
            Err(Error::malformed(&at.join(key), format!("{v} is not a whole number")))
        }
    };
    for (key, empty) in
        [("oneOf", any.one_of.is_empty()), ("anyOf", any.any_of.is_empty()), ("allOf", any.all_of.is_empty())]
    {
        if !empty {
            return Err(Error::unsupported(&at.join(key), format!("`{key}` beside `type: {typ}`")));
        }
    }
    Ok(match typ {
        "string" => {
            let mut enumeration = Vec::new();
            for (i, value) in any.enumeration.iter().enumerate() {
                match value {
                    Value::String(s) => enumeration.push(Some(s.clone())),
                    Value::Null => enumeration.push(None),
                    // `type: string` with `enum: [1, 2]`: the values' text.
                    other => {
                        warnings.push(Warning::new(
                            &at.join("enum").join(i),
                            format!(
                                "{other} in the `enum` of a `type: string` schema is read as the string \"{other}\""
                            ),
                        ));
                        enumeration.push(Some(other.to_string()));
                    }
                }
            }
            openapiv3::Type::String(StringType {
                format: format(&any.format),
                pattern: any.pattern.clone(),
                enumeration,
                min_length: any.min_length,
                max_length: any.max_length,
            })
        }
        "integer" => openapiv3::Type::Integer(openapiv3::IntegerType {
            format: format(&any.format),
            multiple_of: any.multiple_of.map(|v| whole(v, "multipleOf")).transpose()?,
            exclusive_minimum: any.exclusive_minimum.unwrap_or(false),
            exclusive_maximum: any.exclusive_maximum.unwrap_or(false),
            minimum: any.minimum.map(|v| whole(v, "minimum")).transpose()?,
            maximum: any.maximum.map(|v| whole(v, "maximum")).transpose()?,
            enumeration: if any.enumeration.is_empty() { Vec::new() } else { vec![None] },
        }),
        "number" => openapiv3::Type::Number(openapiv3::NumberType {
            format: format(&any.format),
            multiple_of: any.multiple_of,
            exclusive_minimum: any.exclusive_minimum.unwrap_or(false),
            exclusive_maximum: any.exclusive_maximum.unwrap_or(false),
            minimum: any.minimum,
            maximum: any.maximum,
            enumeration: if any.enumeration.is_empty() { Vec::new() } else { vec![None] },
        }),
        "boolean" => openapiv3::Type::Boolean(openapiv3::BooleanType {
            enumeration: if any.enumeration.is_empty() { Vec::new() } else { vec![None] },
        }),
        "object" => openapiv3::Type::Object(ObjectType {
            properties: any.properties.clone(),
            required: any.required.clone(),
            additional_properties: any.additional_properties.clone(),
            min_properties: any.min_properties,
            max_properties: any.max_properties,
        }),
        "array" => openapiv3::Type::Array(openapiv3::ArrayType {
            items: any.items.clone(),
            min_items: any.min_items,
            max_items: any.max_items,
            unique_items: any.unique_items.unwrap_or(false),
        }),
        other => {
            return Err(Error::malformed(
                &at.join("type"),
                format!("unknown type `{other}`; expected string, number, integer, boolean, array or object"),
            ));
        }
    })
}

/// A property listed in `required` but not in `properties`: it must be
/// present, with any value (JSON Schema semantics).
pub(super) fn undeclared_required(property: &str, at: &Pointer) -> Field {
    Field {
        name: value_name(property),
        wire_name: property.to_owned(),
        pointer: at.clone(),
        docs: Some("Required by the spec, which gives it no schema: any JSON value.".to_owned()),
        ty: Type::new(Shape::Any),
        required: true,
        default: None,
        boxed: false,
        read_only: false,
        write_only: false,
        deprecated: false,
    }
}

/// The doc text of a schema: its description, else its title.
pub(super) fn docs(data: &SchemaData) -> Option<String> {
    data.description.clone().or_else(|| data.title.clone()).filter(|d| !d.trim().is_empty())
}

fn to_u64(n: usize) -> u64 {
    n as u64
}

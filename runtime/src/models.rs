//! What the generated model types call instead of serde's derives: the
//! parts of a `Deserialize` impl that do not depend on the type (key
//! matching, duplicate and missing fields) and the string enums' wire
//! conversions.
//!
//! A derived `Deserialize` is a few hundred lines per type once expanded
//! (a field enum with its own visitor, a sequence visitor, a map visitor),
//! and `cargo check` of a generated crate pays for every line. The
//! generator writes one visitor per struct that reads a map, matches keys
//! by their index in a list of names ([`Keys`]) and leaves the rest to
//! these functions. The wire behaviour is serde's: the same error
//! messages (`missing field`, `duplicate field`, `unknown variant`),
//! unknown keys ignored or, where the struct keeps them, collected.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};

/// A key of an object being decoded: the index of a declared field, or
/// another key (its text only where the struct keeps other keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key<'de> {
    /// The key at this index of [`Keys::fields`].
    Field(usize),
    /// A key that is not a declared field: its text when [`Keys::keep`],
    /// otherwise empty (nothing is copied).
    Other(Cow<'de, str>),
}

/// Decodes an object's key as a [`Key`] (`MapAccess::next_key_seed`).
#[derive(Debug, Clone, Copy)]
pub struct Keys {
    /// The declared fields' wire names.
    pub fields: &'static [&'static str],
    /// Whether other keys are kept (`additionalProperties`).
    pub keep: bool,
}

impl Keys {
    fn key<'de>(self, key: &str, owned: impl FnOnce() -> Cow<'de, str>) -> Key<'de> {
        match self.fields.iter().position(|field| *field == key) {
            Some(index) => Key::Field(index),
            None if self.keep => Key::Other(owned()),
            None => Key::Other(Cow::Borrowed("")),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Keys {
    type Value = Key<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key<'de>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for Keys {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(self.key(key, || Cow::Owned(key.to_owned())))
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(self.key(key, || Cow::Borrowed(key)))
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
        match self.key(&key, || Cow::Borrowed("")) {
            Key::Other(_) if self.keep => Ok(Key::Other(Cow::Owned(key))),
            other => Ok(other),
        }
    }
}

/// Reads the value of field `name` into `slot`; a second value for the same
/// field is serde's `duplicate field` error.
pub fn next<'de, A: MapAccess<'de>, T: de::Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(<A::Error as de::Error>::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the value of a key the struct does not declare.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(|_| ())
}

/// The value of required field `name`: serde's `missing field` error without one.
pub fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// A string that is none of an enum's values: the error of the enums' `FromStr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownEnumValue {
    /// The enum's name.
    pub type_name: &'static str,
    /// What was given.
    pub value: String,
    /// The values the spec allows.
    pub expected: &'static [&'static str],
}

impl fmt::Display for UnknownEnumValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a valid {}; expected one of: {}", self.value, self.type_name, self.expected.join(", "))
    }
}

impl std::error::Error for UnknownEnumValue {}

/// The value of a string enum whose wire strings are `wire` (in the order
/// of `all`): `FromStr` of the generated enums.
pub fn parse_enum<T: Copy>(
    type_name: &'static str,
    value: &str,
    all: &[T],
    wire: &'static [&'static str],
) -> Result<T, UnknownEnumValue> {
    match wire.iter().position(|w| *w == value).and_then(|index| all.get(index)) {
        Some(found) => Ok(*found),
        None => Err(UnknownEnumValue { type_name, value: value.to_owned(), expected: wire }),
    }
}

/// `Deserialize` of a string enum: a string that is one of `wire`, else
/// serde's `unknown variant` error.
pub fn deserialize_enum<'de, D: Deserializer<'de>, T: Copy>(
    deserializer: D,
    all: &[T],
    wire: &'static [&'static str],
) -> Result<T, D::Error> {
    let index = deserializer.deserialize_str(EnumIndex(wire))?;
    all.get(index).copied().ok_or_else(|| <D::Error as de::Error>::custom("enum value out of range"))
}

/// The index of a string among an enum's wire strings.
struct EnumIndex(&'static [&'static str]);

impl<'de> Visitor<'de> for EnumIndex {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<usize, E> {
        self.0.iter().position(|w| *w == value).ok_or_else(|| E::unknown_variant(value, self.0))
    }
}

/// An object's members in name order, whatever serde_json's
/// `preserve_order` feature is in this build (cargo unifies it across the
/// dependency graph), so what goes on the wire does not depend on it.
pub fn members_by_name(map: &serde_json::Map<String, serde_json::Value>) -> Vec<(&String, &serde_json::Value)> {
    let mut members: Vec<_> = map.iter().collect();
    members.sort_unstable_by(|a, b| a.0.cmp(b.0));
    members
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Color {
        Red,
        Green,
    }

    const ALL: [Color; 2] = [Color::Red, Color::Green];
    const WIRE: &[&str] = &["red", "green-ish"];

    #[test]
    fn enums_parse_their_wire_strings_and_name_the_rest() {
        assert_eq!(parse_enum("Color", "green-ish", &ALL, WIRE), Ok(Color::Green));
        let error = parse_enum("Color", "blue", &ALL, WIRE).unwrap_err();
        assert_eq!(error.to_string(), "`blue` is not a valid Color; expected one of: red, green-ish");
        let mut json = serde_json::Deserializer::from_str(r#""red""#);
        assert_eq!(deserialize_enum(&mut json, &ALL, WIRE).unwrap(), Color::Red);
        let mut json = serde_json::Deserializer::from_str(r#""blue""#);
        let error = deserialize_enum(&mut json, &ALL, WIRE).unwrap_err().to_string();
        assert!(error.starts_with("unknown variant `blue`, expected `red` or `green-ish`"), "{error}");
        let error = deserialize_enum(serde_json::json!(1), &ALL, WIRE).unwrap_err().to_string();
        assert_eq!(error, "invalid type: integer `1`, expected variant identifier");
    }

    #[test]
    fn keys_are_field_indexes_and_other_keys_are_kept_only_when_asked() {
        let keys = Keys { fields: &["a", "b-c"], keep: false };
        fn decode(keys: Keys, json: &str) -> Key<'_> {
            keys.deserialize(&mut serde_json::Deserializer::from_str(json)).unwrap()
        }
        assert_eq!(decode(keys, r#""b-c""#), Key::Field(1));
        assert_eq!(decode(keys, r#""zz""#), Key::Other(Cow::Borrowed("")));
        let keep = Keys { keep: true, ..keys };
        assert_eq!(decode(keep, r#""zz""#), Key::Other(Cow::Borrowed("zz")));
        assert_eq!(decode(keep, r#""z\"z""#), Key::Other(Cow::Owned("z\"z".to_owned())));
        let owned = keep.deserialize(serde_json::Value::String("zz".into())).unwrap();
        assert_eq!(owned, Key::Other(Cow::Owned("zz".to_owned())));
    }
}

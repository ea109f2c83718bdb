//! Form body fields that are not scalars, read from `name[key]=value`
//! pairs (see the client's `push_nested`) or, for a field whose `encoding`
//! names a JSON media type, from one pair holding its JSON.
//!
//! A form has only text, so nested values are read leniently: each text is
//! taken as whatever the field's type asks for there (`"1"` is a number
//! where the type wants one and a string where it wants a string), keys
//! that are all indices (`[0]`, `[1]`, or empty `[]`) are an array, a
//! scalar given where an array is expected is an array of one. Untagged
//! unions see only text, so their number and boolean variants do not match.

use serde::de::value::{Error as DeError, MapDeserializer, SeqDeserializer};
use serde::de::{self, IntoDeserializer, Visitor};

use super::Rejection;
use super::form_body::FormBody;

/// A nested value: a text, or members in the order first given.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Text(String),
    Members(Vec<(String, Node)>),
}

impl Node {
    /// Adds `value` at `path` (the bracketed keys after the name).
    fn insert(&mut self, path: &[&str], value: String) {
        let Some((key, rest)) = path.split_first() else {
            *self = Node::Text(value);
            return;
        };
        if let Node::Text(_) = self {
            *self = Node::Members(Vec::new());
        }
        let Node::Members(members) = self else { return };
        // `[]` appends; any other key is merged into its earlier entry.
        let found = if key.is_empty() { None } else { members.iter().position(|(k, _)| k == key) };
        let index = found.unwrap_or_else(|| {
            members.push(((*key).to_owned(), Node::Members(Vec::new())));
            members.len() - 1
        });
        members[index].1.insert(rest, value);
    }

    /// Whether its members are array items (every key an index or empty).
    fn is_array(members: &[(String, Node)]) -> bool {
        members.iter().all(|(k, _)| k.is_empty() || k.parse::<usize>().is_ok())
    }

    /// The items of members that are an array, by index (`[]` in order).
    fn items(mut members: Vec<(String, Node)>) -> Vec<Node> {
        members.sort_by_key(|(k, _)| k.parse::<usize>().unwrap_or(usize::MAX));
        members.into_iter().map(|(_, node)| node).collect()
    }
}

/// The keys of `key` after `name`: `name[a][b]` → `["a", "b"]`; `None` when
/// `key` is not `name` followed by brackets.
pub(super) fn path<'k>(key: &'k str, name: &str) -> Option<Vec<&'k str>> {
    let mut rest = key.strip_prefix(name)?;
    if !rest.starts_with('[') {
        return None;
    }
    let mut out = Vec::new();
    while let Some(inner) = rest.strip_prefix('[') {
        let (segment, after) = inner.split_once(']')?;
        out.push(segment);
        rest = after;
    }
    rest.is_empty().then_some(out)
}

impl FormBody {
    /// The field `name` built from its `name[key]...=value` pairs (a plain
    /// `name=value` pair counts as the whole value); `None` when there is
    /// none. A value that does not fit `T` is `400 INVALID_BODY`.
    pub fn nested<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Rejection> {
        let pairs = self.pairs().filter_map(|(key, value)| {
            let path = if key == name { Vec::new() } else { path(key, name)? };
            Some((path, value.to_owned()))
        });
        from_paths(pairs).map_err(|e| Rejection::invalid_body(format!("{name}: {e}")))
    }

    /// The field `name` holding JSON (its `encoding` says so); `None` when absent.
    pub fn json<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Rejection> {
        let Some(text) = self.single(name)? else { return Ok(None) };
        serde_json::from_str(text).map(Some).map_err(|e| Rejection::invalid_body(format!("{name}: {e}")))
    }
}

/// A value built from `(path, text)` pairs (the keys below the value, as
/// `name[a][0]` gives `["a", "0"]`, and the text there), read leniently as
/// `T`; `None` when there is no pair. Also what query parameters without
/// an OpenAPI serialization, and path and header values of arrays and
/// objects, are read through (see `query_styles.rs`, `params.rs`).
pub(super) fn from_paths<'p, T: serde::de::DeserializeOwned>(
    pairs: impl IntoIterator<Item = (Vec<&'p str>, String)>,
) -> Result<Option<T>, DeError> {
    let mut root: Option<Node> = None;
    for (path, value) in pairs {
        root.get_or_insert_with(|| Node::Members(Vec::new())).insert(&path, value);
    }
    root.map(|root| T::deserialize(Lenient(root))).transpose()
}

/// `T` read from no pairs at all: an empty array or object (an empty list
/// in a path segment), an error for a scalar.
pub(super) fn from_nothing<T: serde::de::DeserializeOwned>() -> Result<T, DeError> {
    T::deserialize(Lenient(Node::Members(Vec::new())))
}

/// A [`Node`] as a deserializer that parses text into what is asked for.
struct Lenient(Node);

impl<'de> IntoDeserializer<'de, DeError> for Lenient {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

macro_rules! parsed {
    ($($method:ident $visit:ident $ty:ty),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            match self.0 {
                Node::Text(text) => match text.parse::<$ty>() {
                    Ok(value) => visitor.$visit(value),
                    Err(_) => Err(de::Error::invalid_value(de::Unexpected::Str(&text), &visitor)),
                },
                other => Lenient(other).deserialize_any(visitor),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Lenient {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0 {
            Node::Text(text) => visitor.visit_string(text),
            Node::Members(members) if Node::is_array(&members) && !members.is_empty() => {
                visitor.visit_seq(SeqDeserializer::new(Node::items(members).into_iter().map(Lenient)))
            }
            Node::Members(members) => {
                visitor.visit_map(MapDeserializer::new(members.into_iter().map(|(k, v)| (k, Lenient(v)))))
            }
        }
    }

    parsed!(
        deserialize_bool visit_bool bool,
        deserialize_i8 visit_i8 i8, deserialize_i16 visit_i16 i16, deserialize_i32 visit_i32 i32,
        deserialize_i64 visit_i64 i64, deserialize_u8 visit_u8 u8, deserialize_u16 visit_u16 u16,
        deserialize_u32 visit_u32 u32, deserialize_u64 visit_u64 u64,
        deserialize_f32 visit_f32 f32, deserialize_f64 visit_f64 f64
    );

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_some(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let items = match self.0 {
            Node::Members(members) if Node::is_array(&members) => Node::items(members),
            one => vec![one],
        };
        visitor.visit_seq(SeqDeserializer::new(items.into_iter().map(Lenient)))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.0 {
            Node::Text(text) => visitor.visit_enum(text.into_deserializer()),
            other => Lenient(other).deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        i128 u128 char str string bytes byte_buf unit unit_struct tuple
        tuple_struct map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Inner {
        n: i64,
        s: String,
        tags: Vec<String>,
        on: Option<bool>,
    }

    fn form(text: &str) -> FormBody {
        let headers = axum::http::HeaderMap::from_iter([(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/x-www-form-urlencoded"),
        )]);
        super::super::form_body(&headers, text.as_bytes(), &["application/x-www-form-urlencoded"]).unwrap().unwrap()
    }

    #[test]
    fn nested_pairs_read_as_the_type_asks() {
        let body = form("a%5Bn%5D=12&a[s]=12&a[tags][1]=y&a[tags][0]=x&a[on]=true&other=1");
        let inner: Inner = body.nested("a").unwrap().unwrap();
        assert_eq!(inner, Inner { n: 12, s: "12".into(), tags: vec!["x".into(), "y".into()], on: Some(true) });
        assert_eq!(body.nested::<Inner>("b").unwrap(), None);
        assert!(form("a[n]=x&a[s]=1&a[tags][]=1").nested::<Inner>("a").is_err());
        let appended: Inner = form("a[n]=1&a[s]=&a[tags][]=p&a[tags][]=q").nested("a").unwrap().unwrap();
        assert_eq!(appended.tags, ["p", "q"]);
    }
}

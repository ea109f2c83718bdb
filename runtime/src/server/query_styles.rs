//! Query parameters beyond `form` lists: `deepObject` entries
//! (`name[key]=value`), objects and maps in `form` (and the delimited
//! styles: `key=value` per property, or `name=k,v,k,v`), untyped values,
//! and the variants of a union tried in order.
//!
//! The properties of an object are read as entries (key, raw value), one
//! way per style, then by the `deep_*` functions, whatever the style.

use super::nested_form::{from_paths, path};
use super::params::{bracketed, decode_form};
use super::{QueryString, Rejection, query_list, query_value};

impl<'a> QueryString<'a> {
    /// The entries of a `deepObject` parameter: for every `name[key]=value`
    /// (brackets literal or percent-encoded), the decoded key and the raw
    /// value, in order. `name` given without brackets is an error.
    pub fn deep(&self, name: &str) -> Result<Vec<(String, &'a str)>, Rejection> {
        let mut entries = Vec::new();
        for (key, value) in &self.pairs {
            if key == name {
                return Err(Rejection::invalid_parameter(name, "expected `name[key]=value` entries (`deepObject`)"));
            }
            if let Some(inner) = bracketed(key, name) {
                entries.push((inner.to_owned(), *value));
            }
        }
        Ok(entries)
    }
}

impl<'a> QueryString<'a> {
    /// The properties of an exploded `form` object (`?a=1&b=2`): every pair
    /// whose key is not `claimed` (another parameter of the operation, or
    /// its `name[key]` entries) and, when `declared` is given (an object
    /// without other properties), is one of them; keys decoded, values raw.
    pub fn form_entries(&self, claimed: &[&str], declared: Option<&[&str]>) -> Vec<(String, &'a str)> {
        self.pairs
            .iter()
            .filter(|(key, _)| !claimed.iter().any(|c| key == c || bracketed(key, c).is_some()))
            .filter(|(key, _)| declared.is_none_or(|declared| declared.contains(&key.as_str())))
            .map(|(key, value)| (key.clone(), *value))
            .collect()
    }

    /// The properties of an object not exploded (`name=a,1,b,2`; `,`, ` `
    /// or `|` per the style): the value percent-decoded, then split at
    /// `delimiter` into keys and values; each value is given back
    /// percent-encoded again, raw as the `deep_*` functions read it. An odd
    /// count of items is `400`; an empty value or none, no entries.
    pub fn form_pairs(&self, name: &str, delimiter: char) -> Result<Vec<(String, String)>, Rejection> {
        let Some(raw) = self.single(name)? else { return Ok(Vec::new()) };
        let Some(value) = decode_form(raw) else {
            return Err(Rejection::invalid_parameter(name, "not UTF-8 once percent-decoded"));
        };
        if value.is_empty() {
            return Ok(Vec::new());
        }
        let items: Vec<&str> = value.split(delimiter).collect();
        if items.len() % 2 != 0 {
            return Err(Rejection::invalid_parameter(
                name,
                format!("expected keys and values, each followed by `{delimiter}` (`key{delimiter}value`)"),
            ));
        }
        let encode =
            |text: &str| percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string();
        Ok(items.chunks(2).map(|pair| (pair[0].to_owned(), encode(pair[1]))).collect())
    }

    /// An untyped (`{}`) parameter, as the text it was given: one value is
    /// a JSON string, a repeated one an array of strings (the query cannot
    /// say which JSON type a value had); `None` when absent.
    pub fn untyped(&self, name: &str) -> Result<Option<serde_json::Value>, Rejection> {
        let mut values = Vec::new();
        for raw in self.all(name) {
            values.push(serde_json::Value::String(query_value(name, raw, |_, text| Ok(text.to_owned()))?));
        }
        Ok(match values.len() {
            0 => None,
            1 => values.pop(),
            _ => Some(serde_json::Value::Array(values)),
        })
    }
}

impl QueryString<'_> {
    /// A value OpenAPI gives no query serialization (objects or arrays
    /// inside a `deepObject`, arrays of objects, a `deepObject` that is not
    /// an object), sent the `qs` way: `name[a][b]=x` for members,
    /// `name[a][0]=x` for items (`name[a][]=x` appends; indices in any
    /// order), a plain `name=x` being the whole value; brackets literal or
    /// percent-encoded. Read leniently as `T` (see `nested_form.rs`): each
    /// text is what `T` asks for there. `None` when absent; a value that
    /// does not fit `T` is `400`.
    pub fn nested<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Rejection> {
        self.nested_where(name, |key| if key == name { Some(Vec::new()) } else { path(key, name) })
    }

    /// The properties of an exploded `form` object some of whose
    /// properties are objects or arrays: every pair not `claimed` (another
    /// parameter of the operation, or its `name[key]` entries) whose first
    /// key is `declared` (when given), as `a=1&b[c]=2&l[0]=x`, read as
    /// [`QueryString::nested`] reads what is below a name; errors name the
    /// parameter, `name`.
    pub fn nested_members<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
        claimed: &[&str],
        declared: Option<&[&str]>,
    ) -> Result<Option<T>, Rejection> {
        self.nested_where(name, |key| {
            let head = key.split_once('[').map_or(key, |(head, _)| head);
            if claimed.contains(&head) || declared.is_some_and(|declared| !declared.contains(&head)) {
                return None;
            }
            let mut keys = vec![head];
            if head.len() < key.len() {
                keys.extend(path(key, head)?);
            }
            Some(keys)
        })
    }

    /// The pairs whose key `select` maps to a path, as one value.
    fn nested_where<'k, T: serde::de::DeserializeOwned>(
        &'k self,
        name: &str,
        select: impl Fn(&'k str) -> Option<Vec<&'k str>>,
    ) -> Result<Option<T>, Rejection> {
        let mut pairs = Vec::new();
        for (key, raw) in &self.pairs {
            let Some(keys) = select(key) else { continue };
            pairs.push((keys, query_value(key, raw, |_, text| Ok(text.to_owned()))?));
        }
        from_paths(pairs).map_err(|error| Rejection::invalid_parameter(name, error))
    }
}

/// How an entry is named in errors: `name[key]`, or `key` for the
/// properties of an exploded `form` object (`name` empty).
fn entry_path(name: &str, key: &str) -> String {
    if name.is_empty() { key.to_owned() } else { format!("{name}[{key}]") }
}

/// The raw value of the entry `key`; an error if it is repeated.
fn deep_entry<'e, V: AsRef<str>>(
    name: &str,
    entries: &'e [(String, V)],
    key: &str,
) -> Result<Option<&'e str>, Rejection> {
    let mut values = entries.iter().filter(|(k, _)| k == key).map(|(_, value)| value.as_ref());
    match (values.next(), values.next()) {
        (Some(_), Some(_)) => Err(Rejection::invalid_parameter(&entry_path(name, key), "given more than once")),
        (value, _) => Ok(value),
    }
}

/// A required property of a `deepObject` parameter: `name[key]` must be there.
pub fn deep_required<T, V: AsRef<str>>(
    name: &str,
    entries: &[(String, V)],
    key: &str,
    parse: impl Fn(&str, &str) -> Result<T, Rejection>,
) -> Result<T, Rejection> {
    let path = entry_path(name, key);
    match deep_entry(name, entries, key)? {
        Some(raw) => query_value(&path, raw, parse),
        None => Err(Rejection::invalid_parameter(&path, "is required")),
    }
}

/// An optional (or nullable) property of a `deepObject` parameter.
pub fn deep_optional<T, V: AsRef<str>>(
    name: &str,
    entries: &[(String, V)],
    key: &str,
    parse: impl Fn(&str, &str) -> Result<T, Rejection>,
) -> Result<Option<T>, Rejection> {
    let path = entry_path(name, key);
    deep_entry(name, entries, key)?.map(|raw| query_value(&path, raw, parse)).transpose()
}

/// The entries of a `deepObject` parameter other than the `declared`
/// properties, as a map (a map parameter, or `additionalProperties`).
pub fn deep_rest<T, V: AsRef<str>>(
    name: &str,
    entries: &[(String, V)],
    declared: &[&str],
    parse: impl Fn(&str, &str) -> Result<T, Rejection>,
) -> Result<std::collections::BTreeMap<String, T>, Rejection> {
    let mut map = std::collections::BTreeMap::new();
    for (key, raw) in entries.iter().filter(|(k, _)| !declared.contains(&k.as_str())) {
        let path = entry_path(name, key);
        let value = query_value(&path, raw.as_ref(), &parse)?;
        if map.insert(key.clone(), value).is_some() {
            return Err(Rejection::invalid_parameter(&path, "given more than once"));
        }
    }
    Ok(map)
}

/// Refuses entries of a `deepObject` parameter beyond the `declared`
/// properties (`additionalProperties: false`).
pub fn deep_no_others<V>(name: &str, entries: &[(String, V)], declared: &[&str]) -> Result<(), Rejection> {
    match entries.iter().find(|(k, _)| !declared.contains(&k.as_str())) {
        Some((key, _)) => Err(Rejection::invalid_parameter(&entry_path(name, key), "is not a property of the object")),
        None => Ok(()),
    }
}

/// A union's scalar variant: the one raw query value, if there is exactly one
/// and it parses.
pub fn variant_single<T>(name: &str, raws: &[&str], parse: impl Fn(&str, &str) -> Result<T, Rejection>) -> Option<T> {
    match raws {
        [raw] => query_value(name, raw, parse).ok(),
        _ => None,
    }
}

/// A union's array variant from repeated keys (`explode: true`): every raw
/// value, if each parses.
pub fn variant_all<T>(name: &str, raws: &[&str], parse: impl Fn(&str, &str) -> Result<T, Rejection>) -> Option<Vec<T>> {
    raws.iter().map(|raw| query_value(name, raw, &parse)).collect::<Result<Vec<T>, Rejection>>().ok()
}

/// A union's array variant from one value split at `delimiter`
/// (`explode: false`), if there is exactly one value and each item parses.
pub fn variant_list<T>(
    name: &str,
    raws: &[&str],
    delimiter: char,
    parse: impl Fn(&str, &str) -> Result<T, Rejection>,
) -> Option<Vec<T>> {
    match raws {
        [raw] => query_list(name, raw, delimiter, parse).ok(),
        _ => None,
    }
}

//! The spec-independent helpers for query parameters beyond `form` lists:
//! `deepObject` entries (`name[key]=value`) and the variants of a union
//! tried in order.
//!
//! This file is not a module of the generator: the server emitter appends
//! its items to the `runtime` module of the servers that use them (so it has
//! no `use` of its own and names what `runtime.rs` imports by full path).

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

/// The raw value of the `deepObject` entry `key`; an error if it is repeated.
fn deep_entry<'a>(name: &str, entries: &[(String, &'a str)], key: &str) -> Result<Option<&'a str>, Rejection> {
    let mut values = entries.iter().filter(|(k, _)| k == key).map(|(_, value)| *value);
    match (values.next(), values.next()) {
        (Some(_), Some(_)) => Err(Rejection::invalid_parameter(&format!("{name}[{key}]"), "given more than once")),
        (value, _) => Ok(value),
    }
}

/// A required property of a `deepObject` parameter: `name[key]` must be there.
pub fn deep_required<T>(
    name: &str,
    entries: &[(String, &str)],
    key: &str,
    parse: impl Fn(&str, &str) -> Result<T, Rejection>,
) -> Result<T, Rejection> {
    let path = format!("{name}[{key}]");
    match deep_entry(name, entries, key)? {
        Some(raw) => query_value(&path, raw, parse),
        None => Err(Rejection::invalid_parameter(&path, "is required")),
    }
}

/// An optional (or nullable) property of a `deepObject` parameter.
pub fn deep_optional<T>(
    name: &str,
    entries: &[(String, &str)],
    key: &str,
    parse: impl Fn(&str, &str) -> Result<T, Rejection>,
) -> Result<Option<T>, Rejection> {
    let path = format!("{name}[{key}]");
    deep_entry(name, entries, key)?.map(|raw| query_value(&path, raw, parse)).transpose()
}

/// The entries of a `deepObject` parameter other than the `declared`
/// properties, as a map (a map parameter, or `additionalProperties`).
pub fn deep_rest<T>(
    name: &str,
    entries: &[(String, &str)],
    declared: &[&str],
    parse: impl Fn(&str, &str) -> Result<T, Rejection>,
) -> Result<std::collections::BTreeMap<String, T>, Rejection> {
    let mut map = std::collections::BTreeMap::new();
    for (key, raw) in entries.iter().filter(|(k, _)| !declared.contains(&k.as_str())) {
        let path = format!("{name}[{key}]");
        let value = query_value(&path, raw, &parse)?;
        if map.insert(key.clone(), value).is_some() {
            return Err(Rejection::invalid_parameter(&path, "given more than once"));
        }
    }
    Ok(map)
}

/// Refuses entries of a `deepObject` parameter beyond the `declared`
/// properties (`additionalProperties: false`).
pub fn deep_no_others(name: &str, entries: &[(String, &str)], declared: &[&str]) -> Result<(), Rejection> {
    match entries.iter().find(|(k, _)| !declared.contains(&k.as_str())) {
        Some((key, _)) => Err(Rejection::invalid_parameter(&format!("{name}[{key}]"), "is not a property of the object")),
        None => Ok(()),
    }
}

/// A union's scalar variant: the one raw query value, if there is exactly one
/// and it parses.
pub fn variant_single<T>(
    name: &str,
    raws: &[&str],
    parse: impl Fn(&str, &str) -> Result<T, Rejection>,
) -> Option<T> {
    match raws {
        [raw] => query_value(name, raw, parse).ok(),
        _ => None,
    }
}

/// A union's array variant from repeated keys (`explode: true`): every raw
/// value, if each parses.
pub fn variant_all<T>(
    name: &str,
    raws: &[&str],
    parse: impl Fn(&str, &str) -> Result<T, Rejection>,
) -> Option<Vec<T>> {
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

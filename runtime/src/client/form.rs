//! Form body values that are not scalars: nested values as `name[key]=value`
//! pairs (the `deepObject` convention of PHP, Rails, `qs` and OpenAPI's
//! query parameters, which form bodies lack a style of their own for).

use super::QueryString;

/// Pushes `value` (the JSON of a form property) under `name`: each scalar
/// inside as one pair named by its path, `name[key]` for object members
/// and `name[index]` for array items (`a[tags][0]=x`); `null`s are left
/// out, strings are sent as they are, numbers and booleans as their JSON.
pub fn push_nested(form: &mut QueryString, name: &str, value: &serde_json::Value) {
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::String(text) => form.push(name, text),
        serde_json::Value::Bool(_) | serde_json::Value::Number(_) => form.push(name, &value.to_string()),
        serde_json::Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                push_nested(form, &format!("{name}[{index}]"), item);
            }
        }
        serde_json::Value::Object(members) => {
            for (key, member) in super::super::models::members_by_name(members) {
                push_nested(form, &format!("{name}[{key}]"), member);
            }
        }
    }
}

/// Pushes the members of an object (its JSON) each under its own name, as
/// [`push_nested`] pushes a value: an exploded `form` query object some of
/// whose properties are objects or arrays (`a=1&b[c]=2&l[0]=x`).
pub fn push_nested_members(form: &mut QueryString, value: &serde_json::Value) {
    match value {
        serde_json::Value::Object(members) => {
            for (key, member) in super::super::models::members_by_name(members) {
                push_nested(form, key, member);
            }
        }
        other => push_nested(form, "", other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_values_are_pairs_named_by_their_path() {
        let mut form = QueryString::default();
        let value = serde_json::json!({"a": {"b": "x y", "n": 1, "none": null}, "tags": ["p", true]});
        push_nested(&mut form, "f", &value);
        assert_eq!(
            form.as_str(),
            "f%5Ba%5D%5Bb%5D=x%20y&f%5Ba%5D%5Bn%5D=1&f%5Btags%5D%5B0%5D=p&f%5Btags%5D%5B1%5D=true"
        );
    }
}

//! JSON pointers (RFC 6901) into the spec, as URI fragments: `#/paths/~1pins/get`.

use std::fmt;

/// A place in the spec document. Every IR item and every error carries one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Pointer {
    /// Escaped reference tokens, each starting with `/`; empty for the root.
    path: String,
}

impl Pointer {
    pub fn root() -> Self {
        Pointer::default()
    }

    /// Parses a local reference such as `#/components/schemas/Pin`.
    /// Returns `None` for anything that is not a fragment of this document.
    ///
    /// A JSON pointer in a URI fragment is percent-encoded (RFC 6901 §6):
    /// `#/paths/~1users~1%7Bid%7D` is the path item `/users/{id}`. The
    /// fragment is percent-decoded (as UTF-8) before its `~` escapes are
    /// read; a `%` not followed by two hex digits is kept as it is.
    pub fn from_ref(reference: &str) -> Option<Self> {
        let path = reference.strip_prefix('#')?;
        let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        if !(path.is_empty() || path.starts_with('/')) {
            return None;
        }
        Some(Pointer { path: path.into_owned() })
    }

    /// This pointer with one more segment, escaped (`~` → `~0`, `/` → `~1`).
    pub fn join(&self, segment: impl fmt::Display) -> Self {
        /// Escapes what is written through it into the path (one
        /// allocation per join; lowering GitHub's description joins millions).
        struct Escaping<'a>(&'a mut String);
        impl fmt::Write for Escaping<'_> {
            fn write_str(&mut self, text: &str) -> fmt::Result {
                let mut rest = text;
                while let Some(at) = rest.find(['~', '/']) {
                    self.0.push_str(&rest[..at]);
                    self.0.push_str(if rest.as_bytes()[at] == b'~' { "~0" } else { "~1" });
                    rest = &rest[at + 1..];
                }
                self.0.push_str(rest);
                Ok(())
            }
        }
        let mut path = String::with_capacity(self.path.len() + 16);
        path.push_str(&self.path);
        path.push('/');
        let _ = fmt::Write::write_fmt(&mut Escaping(&mut path), format_args!("{segment}"));
        Pointer { path }
    }

    /// The value at this place of `root`, like [`serde_json::Value::pointer`]
    /// but without an allocation for segments that need no unescaping
    /// (lowering looks up the raw schema of every schema it reads).
    pub fn lookup<'v>(&self, root: &'v serde_json::Value) -> Option<&'v serde_json::Value> {
        use serde_json::Value;
        self.path.split('/').skip(1).try_fold(root, |value, segment| {
            let segment = unescaped(segment);
            match value {
                Value::Object(map) => map.get(segment.as_ref()),
                Value::Array(list) => list.get(array_index(&segment)?),
                _ => None,
            }
        })
    }

    /// The RFC 6901 form without the leading `#`, for [`serde_json::Value::pointer`].
    pub fn as_json_pointer(&self) -> &str {
        &self.path
    }

    /// The unescaped segments.
    pub fn segments(&self) -> impl Iterator<Item = String> + '_ {
        self.path.split('/').skip(1).map(|s| unescaped(s).into_owned())
    }

    /// Whether `self` is `prefix` or a place inside it.
    pub fn starts_with(&self, prefix: &Pointer) -> bool {
        self.path == prefix.path
            || (self.path.starts_with(&prefix.path) && self.path[prefix.path.len()..].starts_with('/'))
    }

    /// The last segment, unescaped.
    pub fn last(&self) -> Option<String> {
        self.segments().last()
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.path)
    }
}

/// One segment unescaped (`~1` → `/`, then `~0` → `~`), borrowed when it
/// has nothing to unescape.
fn unescaped(segment: &str) -> std::borrow::Cow<'_, str> {
    if segment.contains('~') { segment.replace("~1", "/").replace("~0", "~").into() } else { segment.into() }
}

/// An array index as RFC 6901 writes it: digits, no leading zero.
fn array_index(segment: &str) -> Option<usize> {
    let leading_zero = segment.len() > 1 && segment.starts_with('0');
    if leading_zero || !segment.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    segment.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_unescapes_segments() {
        let p = Pointer::root().join("paths").join("/pins/{requestid}").join("a~b");
        assert_eq!(p.to_string(), "#/paths/~1pins~1{requestid}/a~0b");
        assert_eq!(Pointer::root().join("~1/").to_string(), "#/~01~1", "escapes next to each other and a literal `~1`");
        assert_eq!(p.last().as_deref(), Some("a~b"));
        assert_eq!(Pointer::from_ref(&p.to_string()), Some(p));
        assert_eq!(Pointer::from_ref("other.yaml#/x"), None);
    }

    #[test]
    fn lookup_finds_what_json_pointers_find() {
        let root = serde_json::json!({"paths": {"/pins/{id}": {"get": [1, {"a~b": true}]}}, "": {"x": 0}});
        for at in [
            "#",
            "#/paths",
            "#/paths/~1pins~1{id}/get/1/a~0b",
            "#/paths/~1pins~1{id}/get/01",
            "#/paths/~1pins~1{id}/get/+1",
            "#//x",
            "#/nope/x",
        ] {
            let p = Pointer::from_ref(at).expect("a local pointer");
            assert_eq!(p.lookup(&root), root.pointer(p.as_json_pointer()), "{at}");
        }
        assert_eq!(Pointer::from_ref("#"), Some(Pointer::root()));
        // Fragments are percent-encoded (RFC 6901 §6); `~` escapes are read after.
        let users = Pointer::root().join("paths").join("/users/{id} x").join("get");
        assert_eq!(Pointer::from_ref("#/paths/~1users~1%7Bid%7D%20x/get"), Some(users.clone()));
        assert_eq!(Pointer::from_ref("#/paths/~1users~1{id} x/get"), Some(users));
        assert_eq!(Pointer::from_ref("#/a/%25/%zz").map(|p| p.last()), Some(Some("%zz".to_owned())));
        assert_eq!(Pointer::from_ref("#%2Fa"), Some(Pointer::root().join("a")));
        let pins = Pointer::root().join("paths").join("/pins");
        assert!(pins.join("get").starts_with(&pins) && pins.starts_with(&pins) && pins.starts_with(&Pointer::root()));
        assert!(!Pointer::root().join("paths").join("/pinsx").starts_with(&pins));
    }
}

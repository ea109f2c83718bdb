//! Authentication as the client and the server emitters had it decided
//! before issue 12: one HTTP bearer scheme. Kept as it was, token-free, so
//! the `security` plan (`plan/security.rs`) can replace it in one place.

use crate::error::{Error, Result};
use crate::ir::{Api, Operation, SecuritySchemeKind};

/// Whether the client sends the bearer token for `op`: one of its security
/// alternatives is a single HTTP bearer scheme (an empty alternative means
/// anonymous access is allowed too).
pub fn client_sends_bearer(api: &Api, op: &Operation) -> Result<bool> {
    if op.security.is_empty() {
        return Ok(false);
    }
    let mut anonymous = false;
    for alternative in &op.security {
        match alternative.schemes.as_slice() {
            [] => anonymous = true,
            [one] => {
                let scheme = api.security_schemes.iter().find(|s| s.name == one.scheme).ok_or_else(|| {
                    Error::malformed(&op.pointer, format!("the security scheme `{}` is not declared", one.scheme))
                })?;
                if matches!(&scheme.kind, SecuritySchemeKind::Http { scheme, .. } if scheme == "bearer") {
                    return Ok(true);
                }
            }
            _ => {}
        }
    }
    if anonymous {
        return Ok(false);
    }
    let first = op.security[0].schemes.first().map(|s| s.scheme.as_str()).unwrap_or_default();
    let at =
        api.security_schemes.iter().find(|s| s.name == first).map(|s| s.pointer.clone()).unwrap_or(op.pointer.clone());
    Err(Error::unsupported(&at, "security other than one HTTP bearer scheme (`type: http`, `scheme: bearer`)"))
}

/// The bearer scheme the server checks for `op` (its name), if any: the
/// server supports exactly one HTTP bearer scheme per operation.
pub fn server_bearer_scheme(api: &Api, op: &Operation) -> Result<Option<String>> {
    let at = op.pointer.join("security");
    match op.security.as_slice() {
        [] => Ok(None),
        [requirement] => match requirement.schemes.as_slice() {
            [scheme] => {
                let Some(def) = api.security_schemes.iter().find(|s| s.name == scheme.scheme) else {
                    return Err(Error::unsupported(&at, format!("unknown security scheme `{}`", scheme.scheme)));
                };
                match &def.kind {
                    SecuritySchemeKind::Http { scheme: s, .. } if s == "bearer" => Ok(Some(def.name.clone())),
                    _ => Err(Error::unsupported(&def.pointer, "security schemes other than HTTP `bearer` in a server")),
                }
            }
            [] => Err(Error::unsupported(&at, "optional security (an empty requirement) in a server")),
            _ => Err(Error::unsupported(&at, "a security requirement of several schemes together")),
        },
        _ => Err(Error::unsupported(&at, "alternative security requirements in a server")),
    }
}

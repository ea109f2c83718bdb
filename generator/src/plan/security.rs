//! The authentication decision, made once for both emitters: which security
//! schemes an API's operations use and how each sends its credential, the
//! Rust names the client's credential setters and the server's hooks get
//! (from the scheme names, made unique), and per operation the alternatives
//! to try.
//!
//! Every scheme of OpenAPI 3.0 is taken: API keys in a header, the query or
//! a cookie; HTTP `basic` and `bearer`; `oauth2` and `openIdConnect` (their
//! access tokens are bearer tokens, RFC 6750). Other HTTP schemes
//! (`digest`, `hoba`, `negotiate`, `mutual`, ...) need a challenge-response
//! exchange or a signature the generator cannot know: they are passed
//! through tolerantly as a raw `Authorization` value the application makes
//! (client) and verifies (server), rather than refused.
//!
//! An alternative without schemes (the spec's `{}`) allows anonymous access;
//! it is tried last wherever the spec lists it, so a client that has
//! credentials sends them and a server that gets them authenticates them.

use std::collections::BTreeSet;

use crate::error::Result;
use crate::ir::{Api, Location, SecurityScheme, SecuritySchemeKind};
use crate::naming::{unraw, value_name};

/// How a scheme's credential travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// An API key as the header, query parameter or cookie `name`.
    ApiKey { location: Location, name: String },
    /// `Authorization: Basic base64(user:password)`.
    Basic,
    /// `Authorization: Bearer <token>`: an HTTP bearer scheme.
    Bearer,
    /// `Authorization: Bearer <token>`: an OAuth2 or OpenID Connect access
    /// token, which may come from a token provider and has scopes.
    OAuth,
    /// `Authorization: <scheme> ...`: another HTTP scheme, passed through.
    Authorization { scheme: String },
}

impl Credential {
    /// The HTTP authentication scheme it uses, if any (for challenges).
    fn http_scheme(&self) -> Option<&str> {
        match self {
            Credential::ApiKey { .. } => None,
            Credential::Basic => Some("Basic"),
            Credential::Bearer | Credential::OAuth => Some("Bearer"),
            Credential::Authorization { scheme } => Some(scheme),
        }
    }

    /// Whether the credential is one secret (a key or a token), so a client
    /// of an API with only this scheme can take it in `Client::new`.
    pub fn is_one_secret(&self) -> bool {
        !matches!(self, Credential::Basic)
    }
}

/// One security scheme some operation uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Scheme {
    pub def: SecurityScheme,
    pub credential: Credential,
    /// A snake-case name unique among the schemes and their derived names:
    /// the client's credential setter (`api_key`), the base of the others.
    pub setter: String,
    /// The client's token provider setter of an OAuth scheme (`{setter}_provider`).
    pub provider_setter: String,
    /// The server's authentication hook (`authenticate_{setter}`).
    pub hook: String,
    /// The client's constant describing the scheme (`SCHEME_{SETTER}`).
    pub constant: String,
}

impl Scheme {
    /// How a request presents it, in words.
    pub fn presented_as(&self) -> String {
        match &self.credential {
            Credential::ApiKey { location: Location::Header, name } => format!("the header `{name}`"),
            Credential::ApiKey { location: Location::Query, name } => format!("the query parameter `{name}`"),
            Credential::ApiKey { name, .. } => format!("the cookie `{name}`"),
            Credential::Basic => "`Authorization: Basic <base64 of user:password>`".to_owned(),
            Credential::Bearer | Credential::OAuth => "`Authorization: Bearer <token>`".to_owned(),
            Credential::Authorization { scheme } => format!("`Authorization: {} ...`", capitalized(scheme)),
        }
    }

    /// Its `WWW-Authenticate` challenge (RFC 9110 §11.6.1), for HTTP schemes.
    /// `realm`: the protection space (the API's title).
    pub fn challenge(&self, realm: &str) -> Option<String> {
        let scheme = self.credential.http_scheme()?;
        if scheme.is_empty() || !scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)) {
            return None;
        }
        Some(match self.credential {
            Credential::Basic => format!("Basic realm=\"{realm}\", charset=\"UTF-8\""),
            Credential::Bearer | Credential::OAuth => "Bearer".to_owned(),
            _ => capitalized(scheme),
        })
    }
}

/// One scheme of an alternative: the index of a [`Scheme`] and the scopes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Use {
    pub scheme: usize,
    pub scopes: Vec<String>,
}

/// What an operation requires: alternatives (OR) of schemes together (AND).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Requirement {
    /// The alternatives with schemes, in spec order.
    pub alternatives: Vec<Vec<Use>>,
    /// Anonymous access is allowed too (an empty alternative).
    pub anonymous: bool,
}

/// The authentication plan of an API.
#[derive(Debug, Clone, PartialEq)]
pub struct Security {
    /// The schemes the operations use, in the order of `securitySchemes`.
    pub schemes: Vec<Scheme>,
    /// The distinct requirements of operations that authenticate.
    pub requirements: Vec<Requirement>,
    /// Per operation (as `api.operations`): the index of its requirement in
    /// [`Security::requirements`]; `None` when it sends and checks no
    /// credentials (no `security`, `security: []`, or only `{}`).
    pub operations: Vec<Option<usize>>,
    /// `realm` of the challenges: the API's title, as a quoted-string can hold it.
    pub realm: String,
}

impl Security {
    /// The plan of `api`. Lowering checked that every requirement names a
    /// declared scheme; one that does not is left out here.
    pub fn plan(api: &Api) -> Result<Self> {
        let used: BTreeSet<&str> = api
            .operations
            .iter()
            .flat_map(|op| op.security.iter().flat_map(|r| r.schemes.iter().map(|s| s.scheme.as_str())))
            .collect();
        // Names the generated code uses itself, beside the schemes' own.
        let mut taken: BTreeSet<String> = ["default", "new"].iter().map(|s| (*s).to_owned()).collect();
        taken.extend(api.operations.iter().map(|op| unraw(&op.name).to_owned()));
        let mut schemes: Vec<Scheme> = Vec::new();
        for def in api.security_schemes.iter().filter(|s| used.contains(s.name.as_str())) {
            let credential = credential(&def.kind);
            let base = unraw(&value_name(&def.name)).to_owned();
            let mut n = 1;
            let setter = loop {
                let candidate = if n == 1 { base.clone() } else { format!("{base}_{n}") };
                let derived = [
                    candidate.clone(),
                    format!("{candidate}_provider"),
                    format!("authenticate_{candidate}"),
                    format!("scheme_{candidate}"),
                ];
                if derived.iter().all(|name| !taken.contains(name)) {
                    taken.extend(derived);
                    break candidate;
                }
                n += 1;
            };
            schemes.push(Scheme {
                def: def.clone(),
                credential,
                provider_setter: format!("{setter}_provider"),
                hook: format!("authenticate_{setter}"),
                constant: format!("SCHEME_{}", setter.to_ascii_uppercase()),
                setter,
            });
        }
        let mut requirements: Vec<Requirement> = Vec::new();
        let mut operations = Vec::new();
        for op in &api.operations {
            let mut requirement = Requirement { alternatives: Vec::new(), anonymous: false };
            for alternative in &op.security {
                if alternative.schemes.is_empty() {
                    requirement.anonymous = true;
                    continue;
                }
                let uses: Vec<Use> = alternative
                    .schemes
                    .iter()
                    .filter_map(|u| {
                        let scheme = schemes.iter().position(|s| s.def.name == u.scheme)?;
                        Some(Use { scheme, scopes: u.scopes.clone() })
                    })
                    .collect();
                if !requirement.alternatives.contains(&uses) {
                    requirement.alternatives.push(uses);
                }
            }
            if requirement.alternatives.is_empty() {
                operations.push(None);
                continue;
            }
            let index = match requirements.iter().position(|r| *r == requirement) {
                Some(i) => i,
                None => {
                    requirements.push(requirement);
                    requirements.len() - 1
                }
            };
            operations.push(Some(index));
        }
        let realm =
            api.title.chars().filter(|c| (c.is_ascii_graphic() && !matches!(c, '"' | '\\')) || *c == ' ').collect();
        Ok(Security { schemes, requirements, operations, realm })
    }

    /// Whether some operation authenticates.
    pub fn any(&self) -> bool {
        !self.requirements.is_empty()
    }

    /// The one scheme of an API that uses exactly one, when it takes one
    /// secret: the client's `new` takes it.
    pub fn single_secret(&self) -> Option<&Scheme> {
        match self.schemes.as_slice() {
            [one] if one.credential.is_one_secret() => Some(one),
            _ => None,
        }
    }

    /// The requirement of operation `i`, if it authenticates.
    pub fn of(&self, i: usize) -> Option<&Requirement> {
        self.operations.get(i).copied().flatten().map(|r| &self.requirements[r])
    }

    /// The challenges of a requirement, one per HTTP scheme it names.
    pub fn challenges(&self, requirement: &Requirement) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for u in requirement.alternatives.iter().flatten() {
            if let Some(challenge) = self.schemes[u.scheme].challenge(&self.realm)
                && !out.contains(&challenge)
            {
                out.push(challenge);
            }
        }
        out
    }

    /// What a requirement asks for, in words: "`a` and `b`, or `c`".
    pub fn describe(&self, requirement: &Requirement) -> String {
        self.words(requirement, |scheme| format!("`{}`", scheme.def.name))
    }

    /// What a requirement asks of a request, in words: "`a` (the header
    /// `X-Key`), or `b` (`Authorization: Bearer <token>`)".
    pub fn describe_presented(&self, requirement: &Requirement) -> String {
        self.words(requirement, |scheme| format!("`{}` ({})", scheme.def.name, scheme.presented_as()))
    }

    fn words(&self, requirement: &Requirement, name: impl Fn(&Scheme) -> String) -> String {
        let mut text = requirement
            .alternatives
            .iter()
            .map(|all| all.iter().map(|u| name(&self.schemes[u.scheme])).collect::<Vec<_>>().join(" and "))
            .collect::<Vec<_>>()
            .join(", or ");
        if requirement.anonymous {
            text.push_str(", or none (anonymous access)");
        }
        text
    }
}

fn credential(kind: &SecuritySchemeKind) -> Credential {
    match kind {
        SecuritySchemeKind::ApiKey { location, name } => Credential::ApiKey { location: *location, name: name.clone() },
        SecuritySchemeKind::Http { scheme, .. } if scheme == "basic" => Credential::Basic,
        SecuritySchemeKind::Http { scheme, .. } if scheme == "bearer" => Credential::Bearer,
        SecuritySchemeKind::Http { scheme, .. } => Credential::Authorization { scheme: scheme.clone() },
        SecuritySchemeKind::OAuth2 { .. } | SecuritySchemeKind::OpenIdConnect { .. } => Credential::OAuth,
    }
}

/// `digest` → `Digest` (lowering lowercased the scheme; challenges are
/// case-insensitive, this is their usual spelling).
pub fn capitalized(scheme: &str) -> String {
    let mut chars = scheme.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

//! The server's authentication, from the plan (`plan/security.rs`): the
//! `Api` trait's `Caller` type and one hook per security scheme the
//! operations use (taking what the request presented, typed per scheme),
//! and per distinct requirement a function that evaluates its alternatives
//! and calls the hooks. Reading credentials off a request is the runtime's
//! (`runtime/src/server/auth.rs`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_lines, ident};
use crate::ir::Location;
use crate::naming::value_name;
use crate::plan::security::{Credential, Requirement, Scheme, Security};

/// How an operation's handler authenticates.
#[derive(Debug, Clone)]
pub(super) struct AuthPlan {
    /// The function evaluating its requirement (`security_0`).
    pub(super) function: proc_macro2::Ident,
    /// Anonymous access is allowed: the caller is an `Option`.
    pub(super) anonymous: bool,
    /// What it requires, in words.
    pub(super) describe: String,
}

impl AuthPlan {
    /// The plan of an operation whose requirement is `security.requirements[index]`.
    pub(super) fn of(security: &Security, index: usize) -> AuthPlan {
        let requirement = &security.requirements[index];
        AuthPlan {
            function: format_ident!("security_{}", index),
            anonymous: requirement.anonymous,
            describe: security.describe(requirement),
        }
    }

    /// The trait method's `caller` parameter type.
    pub(super) fn caller_type(&self) -> TokenStream {
        if self.anonymous { quote!(::std::option::Option<Self::Caller>) } else { quote!(Self::Caller) }
    }

    /// The trait method's docs on `caller`.
    pub(super) fn caller_doc(&self) -> String {
        let anonymous =
            if self.anonymous { " (`None`: the request presented none; anonymous access is allowed)" } else { "" };
        format!(
            "`caller` is who the authentication hooks found the request's credentials to be{anonymous}; the operation requires {}.",
            self.describe
        )
    }

    /// The handler's first step.
    pub(super) fn step(&self) -> TokenStream {
        let function = &self.function;
        quote!(let caller = #function::<A>(&shared.api, &parts).await?;)
    }
}

/// The argument of a scheme's hook: its name, type and what it is.
fn hook_input(scheme: &Scheme) -> (&'static str, &'static str, String) {
    match &scheme.credential {
        Credential::ApiKey { location, name } => {
            let place = match location {
                Location::Header => format!("the header `{name}`"),
                Location::Query => format!("the query parameter `{name}`"),
                _ => format!("the cookie `{name}`"),
            };
            ("key", "ApiKey", format!("the API key of {place}"))
        }
        Credential::Basic => {
            ("credentials", "BasicCredentials", "the user and password of `Authorization: Basic`".to_owned())
        }
        Credential::Bearer => ("token", "BearerToken", "the token of `Authorization: Bearer <token>`".to_owned()),
        Credential::OAuth => (
            "token",
            "BearerToken",
            "the access token of `Authorization: Bearer <token>`; `scopes`: those the operation requires".to_owned(),
        ),
        Credential::Authorization { scheme } => (
            "authorization",
            "AuthorizationValue",
            format!(
                "the `Authorization` header of the HTTP `{scheme}` scheme, as sent (the generator does not verify it)"
            ),
        ),
    }
}

/// An authentication hook of the `Api` trait: its name, its parameters
/// after `&self` (`name: type`), its docs' paragraphs.
pub(super) struct Hook {
    pub(super) name: String,
    /// The credential's parameter and its type in the runtime (`token`,
    /// `BearerToken`).
    pub(super) arg: &'static str,
    pub(super) ty: &'static str,
    /// Whether the hook also gets the scopes the operation requires.
    pub(super) scopes: bool,
    pub(super) docs: Vec<String>,
}

impl Hook {
    /// The parameters after `&self`, as text.
    pub(super) fn params(&self) -> Vec<String> {
        let mut params = vec![format!("{}: self::runtime::{}", self.arg, self.ty)];
        if self.scopes {
            params.push("scopes: &'static [&'static str]".to_owned());
        }
        params
    }
}

/// The docs of `type Caller`.
pub(super) const CALLER_DOC: &str = "Who made a request, as the authentication hooks found out.";

/// What a hook's future gives.
pub(super) const HOOK_OUTPUT: &str = "::std::result::Result<Self::Caller, self::runtime::Rejection>";

/// The hooks, one per security scheme the operations use.
pub(super) fn hooks(security: &Security) -> Vec<Hook> {
    security
        .schemes
        .iter()
        .map(|scheme| {
            let (arg, ty, what) = hook_input(scheme);
            let mut docs = vec![format!(
                "The `{}` security scheme: turns {what} into a caller, or refuses it with [`Rejection::unauthorized`] (answered `401`) or [`Rejection::forbidden`] (`403`); the operation is not called then.",
                scheme.def.name
            )];
            docs.extend(scheme.def.docs.clone());
            docs.push(
                "A request that presents no credentials of this scheme (or malformed ones) is answered before this is called. When an operation requires several schemes together, every hook must accept and the operation gets the first scheme's caller.".to_owned(),
            );
            let scopes = scheme.credential == Credential::OAuth;
            Hook { name: value_name(&scheme.hook), arg, ty, scopes, docs }
        })
        .collect()
}

/// `type Caller` and the hooks (nothing when no operation authenticates).
pub(super) fn trait_items(security: &Security) -> TokenStream {
    if !security.any() {
        return quote!();
    }
    let hooks = hooks(security).into_iter().map(|hook| {
        let docs = doc_lines(hook.docs.iter().map(String::as_str));
        let (name, arg, ty) = (ident(&hook.name), ident(hook.arg), ident(hook.ty));
        let scopes = hook.scopes.then(|| quote!(, scopes: &'static [&'static str]));
        quote! {
            #docs
            fn #name(&self, #arg: self::runtime::#ty #scopes)
                -> impl ::std::future::Future<Output = ::std::result::Result<Self::Caller, self::runtime::Rejection>> + ::std::marker::Send;
        }
    });
    let caller_doc = format!(" {CALLER_DOC}");
    quote! {
        #[doc = #caller_doc]
        type Caller: ::std::marker::Send;
        #(#hooks)*
    }
}

/// One function per requirement: the alternatives in order, anonymous
/// access last, else `401` with the challenges of its HTTP schemes.
pub(super) fn functions(security: &Security) -> TokenStream {
    let functions = security.requirements.iter().enumerate().map(|(i, requirement)| function(security, i, requirement));
    quote!(#(#functions)*)
}

fn function(security: &Security, index: usize, requirement: &Requirement) -> TokenStream {
    let name = format_ident!("security_{}", index);
    let challenges = security.challenges(requirement);
    let describe = security.describe(requirement);
    let presented = security.describe_presented(requirement);
    let wrap =
        |caller: TokenStream| if requirement.anonymous { quote!(::std::option::Option::Some(#caller)) } else { caller };
    let alternatives = requirement.alternatives.iter().map(|all| {
        let vars: Vec<proc_macro2::Ident> = (0..all.len()).map(|i| format_ident!("presented_{}", i)).collect();
        let reads = all.iter().map(|u| {
            let read = read(&security.schemes[u.scheme]);
            quote!(#read.map_err(challenge)?)
        });
        let calls = all.iter().zip(&vars).map(|(u, var)| {
            let scheme = &security.schemes[u.scheme];
            let hook = ident(&value_name(&scheme.hook));
            let scopes = &u.scopes;
            let scopes = (scheme.credential == Credential::OAuth).then(|| quote!(, &[#(#scopes),*]));
            quote!(api.#hook(#var #scopes).await.map_err(challenge)?)
        });
        let mut calls = calls.collect::<Vec<_>>().into_iter();
        let first = calls.next();
        let rest = calls.map(|call| quote!(#call;));
        let ok = wrap(quote!(caller));
        let (pattern, value) = match (vars.as_slice(), reads.collect::<Vec<_>>().as_slice()) {
            ([var], [read]) => (quote!(::std::option::Option::Some(#var)), read.clone()),
            (vars, reads) => (quote!((#(::std::option::Option::Some(#vars)),*)), quote!((#(#reads),*))),
        };
        quote! {
            if let #pattern = #value {
                let caller = #first;
                #(#rest)*
                return ::std::result::Result::Ok(#ok);
            }
        }
    });
    let (ret, fallback) = if requirement.anonymous {
        (quote!(::std::option::Option<A::Caller>), quote!(::std::result::Result::Ok(::std::option::Option::None)))
    } else {
        (quote!(A::Caller), quote!(::std::result::Result::Err(challenge(self::runtime::unauthenticated(#presented)))))
    };
    let doc = format!(" Authenticates a request of an operation that requires {describe}.");
    quote! {
        #[doc = #doc]
        async fn #name<A: Api>(
            api: &A,
            parts: &::axum::http::request::Parts,
        ) -> ::std::result::Result<#ret, self::runtime::Rejection> {
            const CHALLENGES: &[&str] = &[#(#challenges),*];
            let challenge = |rejection: self::runtime::Rejection| rejection.with_challenges(CHALLENGES);
            #(#alternatives)*
            #fallback
        }
    }
}

/// The runtime reader of a scheme's credential: `Result<Option<_>, Rejection>`.
fn read(scheme: &Scheme) -> TokenStream {
    match &scheme.credential {
        Credential::ApiKey { location: Location::Header, name } => {
            quote!(self::runtime::api_key_header(&parts.headers, #name))
        }
        Credential::ApiKey { location: Location::Query, name } => {
            quote!(self::runtime::api_key_query(parts.uri.query(), #name))
        }
        Credential::ApiKey { name, .. } => quote!(self::runtime::api_key_cookie(&parts.headers, #name)),
        Credential::Basic => quote!(self::runtime::basic(&parts.headers)),
        Credential::Bearer | Credential::OAuth => quote!(self::runtime::bearer(&parts.headers)),
        Credential::Authorization { scheme } => quote!(self::runtime::authorization_value(&parts.headers, #scheme)),
    }
}

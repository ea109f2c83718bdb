//! The `Api` trait and the router: one route per path shape, its
//! dispatcher, and the fallbacks for unknown paths and methods.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::*;

/// The trait an implementer writes.
pub(super) fn api_trait(api: &Api, ops: &[OpPlan<'_>], error: &ErrorBody, security: &Security) -> TokenStream {
    let auth = auth::trait_items(security);
    let methods = ops.iter().map(OpPlan::trait_method);
    let rejection = error.trait_method();
    let alternates = error.alternate_methods();
    let docs = doc_lines(trait_text::trait_docs(api).iter().map(String::as_str));
    quote! {
        #docs
        pub trait Api: ::std::marker::Send + ::std::marker::Sync + 'static {
            #auth
            #(#methods)*
            #rejection
            #alternates
        }
    }
}

/// One route: its template and its methods' `(verb, handler)`, the first
/// one's verb naming the `::axum::routing` function.
pub(super) type Registered = (String, Vec<(String, String)>);

/// The server's routing items: `router`, `router_with_config` (as its routes,
/// see [`with_config`]), the shared state, the fallbacks and the dispatchers.
pub(super) struct Routing {
    /// `router`.
    pub(super) router: TokenStream,
    pub(super) routes: Vec<Registered>,
    /// What follows `router_with_config`.
    pub(super) rest: TokenStream,
}

/// The routes, the dispatchers and the items around them.
pub(super) fn router(ops: &[OpPlan<'_>], routes: &[Route], error: &ErrorBody) -> Result<Routing> {
    let mut dispatchers = Vec::new();
    let mut registered = Vec::new();
    for route in routes {
        let path = &route.template;
        let mut methods = Vec::new();
        for (method, candidates) in &route.methods {
            let method = *method;
            let verb = method.as_str().to_ascii_lowercase();
            let [.., last] = candidates.as_slice() else { continue };
            let handler = if candidates.len() == 1 {
                ops[*last].names.handler.clone()
            } else {
                let (handler, dispatcher) = dispatcher(ops, candidates, method, path)?;
                dispatchers.push(dispatcher);
                handler.to_string()
            };
            methods.push((verb, handler));
        }
        if !methods.is_empty() {
            registered.push((path.clone(), methods));
        }
    }
    // The configuration is the body size limit: unread without bodies.
    let config_unread = ops.iter().all(|op| op.body.is_none()).then(|| quote!(#[allow(dead_code)]));
    let reject_with = error.has_alternates().then(|| {
        quote! {
            /// The response to a rejected request of an operation whose bad
            /// requests the spec answers with another schema.
            fn reject_with<B: ::serde::Serialize>(
                &self,
                rejection: self::runtime::Rejection,
                body: impl ::std::ops::FnOnce(&A, &self::runtime::Rejection) -> B,
            ) -> ::axum::response::Response {
                let body = body(&self.api, &rejection);
                rejection.into_response_with(&body)
            }
        }
    });
    let router = quote! {
        /// The router for `api` with the default [`Config`]. Nest it under a
        /// prefix (`Router::new().nest("/v1", router(api))`) and wrap it in
        /// tower layers as any axum router.
        pub fn router<A: Api>(api: A) -> ::axum::Router {
            router_with_config(api, self::runtime::Config::default())
        }
    };
    let rest = quote! {
        /// What every handler sees.
        struct Shared<A> {
            api: A,
            #config_unread
            config: self::runtime::Config,
        }

        impl<A: Api> Shared<A> {
            /// The response to a rejected request: its status and the API's error body.
            fn reject(&self, rejection: self::runtime::Rejection) -> ::axum::response::Response {
                let body = self.api.rejection(&rejection);
                rejection.into_response_with(&body)
            }
            #reject_with
        }

        async fn not_found<A: Api>(
            ::axum::extract::State(shared): ::axum::extract::State<::std::sync::Arc<Shared<A>>>,
            request: ::axum::extract::Request,
        ) -> ::axum::response::Response {
            shared.reject(self::runtime::Rejection::not_found(request.uri().path()))
        }

        async fn method_not_allowed<A: Api>(
            ::axum::extract::State(shared): ::axum::extract::State<::std::sync::Arc<Shared<A>>>,
            request: ::axum::extract::Request,
        ) -> ::axum::response::Response {
            shared.reject(self::runtime::Rejection::method_not_allowed(request.method().as_str(), request.uri().path()))
        }

        #(#dispatchers)*
    };
    Ok(Routing { router, routes: registered, rest })
}

/// `router_with_config`, registering `routes`.
pub(super) fn with_config(routes: &[Registered]) -> TokenStream {
    let routes = routes.iter().map(|(path, methods)| {
        let [(first, first_handler), rest @ ..] = methods.as_slice() else { return quote!() };
        let (first, first_handler) = (format_ident!("{}", first), ident(first_handler));
        let rest = rest.iter().map(|(method, handler)| {
            let (method, handler) = (format_ident!("{}", method), ident(handler));
            quote!(.#method(#handler::<A>))
        });
        // One statement per route, not one method chain: a chain of
        // thousands of routes (Microsoft Graph) overflows the stack of the
        // formatter and of rustc, which both recurse along it.
        quote! {
            let router = router.route(#path, ::axum::routing::#first(#first_handler::<A>) #(#rest)* .fallback(method_not_allowed::<A>));
        }
    });
    quote! {
        /// The router for `api` with these settings (the body size limit).
        pub fn router_with_config<A: Api>(api: A, config: self::runtime::Config) -> ::axum::Router {
            let shared = ::std::sync::Arc::new(Shared { api, config });
            let router = ::axum::Router::new();
            #(#routes)*
            router.fallback(not_found::<A>).with_state(shared)
        }
    }
}

/// The handler of one method on a route several operations share: the
/// request goes to the first candidate (in the order the plan decided) whose
/// template its path fits, else to the last (which answers `404` when the
/// path does not fit its template either).
pub(super) fn dispatcher(
    ops: &[OpPlan<'_>],
    candidates: &[usize],
    method: crate::ir::Method,
    route: &str,
) -> Result<(proc_macro2::Ident, TokenStream)> {
    let [tried @ .., last] = candidates else {
        return Err(Error::Emit {
            pointer: Pointer::root().join("paths"),
            message: "a dispatcher without operations".to_owned(),
        });
    };
    let name = ident(&ops[*last].names.dispatcher);
    let mut arms = Vec::new();
    for &i in tried {
        let plan = &ops[i];
        let Some(segments) = &plan.path_match else {
            return Err(Error::Emit {
                pointer: plan.op.pointer.clone(),
                message: "a more specific template that reads the route's captures as they are".to_owned(),
            });
        };
        let handler = plan.handler_name();
        arms.push(quote! {
            if self::runtime::path_fits(path.as_ref(), #segments) {
                return #handler::<A>(state, ::axum::extract::Request::from_parts(parts, body)).await;
            }
        });
    }
    let last_handler = ops[*last].handler_name();
    let doc = format!(
        " `{}` on `{route}`: the first operation whose template the path fits (a template matching only paths another one matches first, then more literal text, then spec order).",
        method.as_str()
    );
    Ok((
        name.clone(),
        quote! {
            #[doc = #doc]
            async fn #name<A: Api>(
                state: ::axum::extract::State<::std::sync::Arc<Shared<A>>>,
                request: ::axum::extract::Request,
            ) -> ::axum::response::Response {
                let (mut parts, body) = request.into_parts();
                let path = self::runtime::PathParams::from_parts(&mut parts).await.ok();
                #(#arms)*
                #last_handler::<A>(state, ::axum::extract::Request::from_parts(parts, body)).await
            }
        },
    ))
}

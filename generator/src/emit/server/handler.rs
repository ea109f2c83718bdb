//! One operation as the server sees it: how its handler authenticates,
//! reads its parameters and body, checks them and calls the trait.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::super::stmt_text;
use super::*;

/// Everything the emitter decided about one operation.
pub(super) struct OpPlan<'a> {
    pub(super) op: &'a Operation,
    /// The names of the operation's items.
    pub(super) names: OperationNames,
    /// How it authenticates, when it has security.
    pub(super) auth: Option<AuthPlan>,
    /// Path parameters in template order.
    pub(super) path: Vec<ParamPlan<'a>>,
    pub(super) query: Vec<ParamPlan<'a>>,
    /// Header and cookie parameters, in spec order.
    pub(super) headers: Vec<ParamPlan<'a>>,
    pub(super) body: Option<BodyPlan>,
    pub(super) variants: &'a [Variant],
    /// The trait method that makes this operation's rejection bodies, when
    /// it is not `rejection` (another bad-request schema).
    pub(super) reject_hook: Option<proc_macro2::Ident>,
    /// Authentication failures (`401`, `403`) the spec answers with another
    /// schema than its bad requests', with the method making it.
    pub(super) auth_rejects: Vec<(u16, Option<proc_macro2::Ident>)>,
    /// How the path parameters are read from the route's captures, when the
    /// route is not this operation's own template (see `plan::routes`).
    pub(super) path_match: Option<TokenStream>,
    /// Why the router never calls it, when it does not.
    pub(super) unreachable: Option<String>,
    pub(super) m: TokenStream,
}

pub(super) struct BodyPlan {
    pub(super) required: bool,
    /// One per option of the body, in spec order.
    pub(super) options: Vec<OptionPlan>,
    /// `{Op}RequestBody`, when there are several options.
    pub(super) choice: Option<proc_macro2::Ident>,
}

/// One option of a request body (see `plan::bodies::options`).
pub(super) struct OptionPlan {
    /// Its variant of `{Op}RequestBody`.
    pub(super) variant: proc_macro2::Ident,
    pub(super) ty: Type,
    pub(super) media_types: Vec<String>,
    pub(super) kind: BodyKind,
}

/// A parameter of a trait method after `&self`.
pub(super) enum Input {
    /// Who the authentication found the caller to be.
    Caller,
    /// The path parameter of this index.
    Path(usize),
    Query,
    Headers,
    Body,
}

/// How a request body is read.
pub(super) enum BodyKind {
    /// JSON of the body's type; `strict`: its schema forbids unknown fields
    /// somewhere (see [`strict`]).
    Json { strict: bool },
    /// A `text/*` body: a `String`.
    Text,
    /// Raw bytes: `Vec<u8>`.
    Bytes,
    /// A form or multipart body (see [`form_decoding`]).
    Form(FormPlan),
    /// A media type range: the `Content-Type` and the bytes.
    Ranged,
}

impl OptionPlan {
    /// The Rust type of the option's value.
    pub(super) fn rust(&self, m: &TokenStream) -> TokenStream {
        match &self.kind {
            BodyKind::Json { .. } => rust_type(&self.ty, m),
            BodyKind::Text => quote!(::std::string::String),
            BodyKind::Bytes => quote!(::std::vec::Vec<u8>),
            BodyKind::Form(plan) => plan.rust.clone(),
            BodyKind::Ranged => quote!((::std::string::String, ::std::vec::Vec<u8>)),
        }
    }

    /// Statements binding `body`, an `Option` of the value (`None`: no body),
    /// from `bytes` and `parts`; `unknown_fields` checks a strict JSON body.
    fn read(&self, names: &OperationNames, unknown_fields: Option<&TokenStream>, m: &TokenStream) -> TokenStream {
        let ty = rust_type(&self.ty, m);
        let media = &self.media_types;
        let decode = match (&self.kind, unknown_fields) {
            (BodyKind::Json { .. }, Some(check)) => quote! {
                self::runtime::strict_json_body::<#ty>(&parts.headers, &bytes, &[#(#media),*], #check)?
            },
            (BodyKind::Json { .. }, None) => {
                quote!(self::runtime::json_body::<#ty>(&parts.headers, &bytes, &[#(#media),*])?)
            }
            (BodyKind::Text, _) => quote!(self::runtime::text_body(&parts.headers, &bytes, &[#(#media),*])?),
            (BodyKind::Bytes, _) => quote!(self::runtime::bytes_body(&parts.headers, &bytes, &[#(#media),*])?),
            (BodyKind::Ranged, _) => quote!(self::runtime::ranged_body(&parts.headers, &bytes, &[#(#media),*])?),
            (BodyKind::Form(plan), _) => return plan.read(names, media),
        };
        quote!(let body = #decode;)
    }

    /// Statements checking the constraints of `present` (a `&` of the value).
    pub(super) fn checks(&self, api: &Api, m: &TokenStream) -> TokenStream {
        match &self.kind {
            BodyKind::Json { .. } | BodyKind::Form(FormPlan { checks: None, .. }) => {
                crate::emit::validate::checks(api, &self.ty, quote!(present), quote!(""), m)
            }
            BodyKind::Form(FormPlan { checks: Some(checks), .. }) => checks.clone(),
            BodyKind::Text | BodyKind::Bytes | BodyKind::Ranged => quote!(),
        }
    }
}

impl<'a> OpPlan<'a> {
    pub(super) fn new(
        api: &Api,
        op: &'a Operation,
        names: OperationNames,
        plan: &'a ServerOperation,
        m: &TokenStream,
        security: &Security,
    ) -> Self {
        let params = |list: &'a [ServerParameter]| list.iter().map(|p| ParamPlan::new(op, p, m)).collect();
        let body = plan.body.as_ref().map(|b| BodyPlan {
            required: b.required,
            options: b
                .options
                .iter()
                .map(|o| OptionPlan {
                    variant: ident(&o.name),
                    ty: o.ty.clone(),
                    media_types: o.media_types.clone(),
                    kind: match &o.kind {
                        plan::BodyKind::Json { strict } => BodyKind::Json { strict: *strict },
                        plan::BodyKind::Text => BodyKind::Text,
                        plan::BodyKind::Bytes => BodyKind::Bytes,
                        plan::BodyKind::Ranged => BodyKind::Ranged,
                        plan::BodyKind::Form(form) => BodyKind::Form(FormPlan::form(form, &o.ty, m)),
                        plan::BodyKind::Multipart(multipart) => BodyKind::Form(FormPlan::multipart(api, multipart, m)),
                    },
                })
                .collect(),
            choice: b.choice.as_deref().map(ident),
        });
        OpPlan {
            op,
            names,
            auth: plan.auth.map(|requirement| AuthPlan::of(security, requirement)),
            path: params(&plan.path),
            query: params(&plan.query),
            headers: params(&plan.headers),
            body,
            variants: &plan.variants,
            reject_hook: plan.reject_hook.as_deref().map(ident),
            auth_rejects: plan.auth_rejects.iter().map(|(code, hook)| (*code, hook.as_deref().map(ident))).collect(),
            path_match: plan.path_match.as_ref().map(path_match),
            unreachable: plan.unreachable.clone(),
            m: m.clone(),
        }
    }

    pub(super) fn response_type(&self) -> proc_macro2::Ident {
        ident(&self.names.response)
    }

    pub(super) fn query_type(&self) -> Option<proc_macro2::Ident> {
        (!self.query.is_empty()).then(|| ident(&self.names.query))
    }

    /// `{Op}Headers`, when the operation has header or cookie parameters.
    pub(super) fn headers_type(&self) -> Option<proc_macro2::Ident> {
        (!self.headers.is_empty()).then(|| ident(&self.names.headers))
    }

    pub(super) fn method_name(&self) -> proc_macro2::Ident {
        ident(&self.op.name)
    }

    pub(super) fn handler_name(&self) -> proc_macro2::Ident {
        ident(&self.names.handler)
    }

    pub(super) fn query_decoder_name(&self) -> proc_macro2::Ident {
        ident(&self.names.query_decoder)
    }

    pub(super) fn body_type(&self) -> Option<TokenStream> {
        self.body.as_ref().map(|b| {
            let ty = match (&b.choice, b.options.first()) {
                (Some(choice), _) => quote!(#choice),
                (None, Some(option)) => option.rust(&self.m),
                (None, None) => quote!(()),
            };
            if b.required { ty } else { quote!(::std::option::Option<#ty>) }
        })
    }

    /// `{Op}RequestBody`, when the body has several options.
    fn choice_enum(&self) -> Option<TokenStream> {
        let body = self.body.as_ref()?;
        let choice = body.choice.as_ref()?;
        let variants = body.options.iter().map(|o| {
            let variant = &o.variant;
            let rust = o.rust(&self.m);
            let media: Vec<String> = o.media_types.iter().map(|m| format!("`{m}`")).collect();
            let doc = match o.kind {
                BodyKind::Ranged => format!(
                    " {}: the `Content-Type` that arrived (the media type, when the request had none) and the bytes.",
                    media.join(", ")
                ),
                _ => format!(" {}.", media.join(", ")),
            };
            quote!(#[doc = #doc] #variant(#rust),)
        });
        let doc = format!(
            " The request body of [`Api::{}`]: one variant per media type the spec documents (JSON media types \
             of one schema are one variant); the router picks it by the request's `Content-Type` (the first when \
             there is none) and answers any other with 415.",
            crate::naming::unraw(&self.op.name)
        );
        Some(quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq)]
            pub enum #choice { #(#variants)* }
        })
    }

    /// `GET /pins` (`getPins`), summary, description.
    pub(super) fn docs(&self) -> Vec<String> {
        let op = self.op;
        let mut paragraphs = Vec::new();
        paragraphs.extend(op.summary.clone());
        paragraphs.extend(op.description.clone());
        paragraphs.push(format!("`{} {}` (`{}`).", op.method.as_str(), op.path, op.id));
        if let Some(reason) = &self.unreachable {
            paragraphs.push(format!("**Never called by the router:** {reason}."));
        }
        if let Some(url) = op.servers.first() {
            paragraphs.push(format!(
                "The spec serves this operation at `{url}`, not at the API's base URL; the router serves it with \
                 the others, so route that server's requests here."
            ));
        }
        paragraphs.extend(op.ignored_parameters.iter().map(|p| p.note()));
        if op.deprecated {
            paragraphs.push("**Deprecated** in the spec.".to_owned());
        }
        paragraphs
    }

    /// The trait method's doc paragraphs and its parameters after `&self`
    /// (their names, and what [`Input`] they are).
    pub(super) fn trait_inputs(&self) -> (Vec<String>, Vec<(String, Input)>) {
        let mut docs = self.docs();
        let mut inputs = Vec::new();
        if let Some(auth) = &self.auth {
            inputs.push(("caller".to_owned(), Input::Caller));
            docs.push(auth.caller_doc());
        }
        for (i, p) in self.path.iter().enumerate() {
            let mut name = crate::naming::unraw(&p.param.name).to_owned();
            if ["caller", "query", "headers", "body"].contains(&name.as_str()) {
                name.push_str("_param");
            }
            inputs.push((crate::naming::value_name(&name), Input::Path(i)));
        }
        if !self.query.is_empty() {
            inputs.push(("query".to_owned(), Input::Query));
        }
        if !self.headers.is_empty() {
            inputs.push(("headers".to_owned(), Input::Headers));
            docs.push(format!(
                "`headers` are the header and cookie parameters ([`{}`]), decoded and checked.",
                self.names.headers
            ));
        }
        if let Some(body) = &self.body {
            inputs.push(("body".to_owned(), Input::Body));
            docs.push(format!(
                "`body` is the decoded request body{}, checked against the spec's constraints.",
                if body.required { "" } else { " (`None` when the request has none)" }
            ));
        }
        (docs, inputs)
    }

    /// The trait method.
    pub(super) fn trait_method(&self) -> TokenStream {
        let (docs, inputs) = self.trait_inputs();
        let inputs = inputs.iter().map(|(name, input)| {
            let name = ident(name);
            let ty = match input {
                Input::Caller => self.auth.as_ref().map(AuthPlan::caller_type),
                Input::Path(i) => Some(self.path[*i].field_type.clone()),
                Input::Query => self.query_type().map(|q| quote!(#q)),
                Input::Headers => self.headers_type().map(|h| quote!(#h)),
                Input::Body => self.body_type(),
            };
            quote!(#name: #ty)
        });
        let docs = doc_lines(docs.iter().map(String::as_str));
        let name = self.method_name();
        let response = self.response_type();
        quote! {
            #docs
            fn #name(&self, #(#inputs),*) -> impl ::std::future::Future<Output = #response> + ::std::marker::Send;
        }
    }

    /// The query struct, the headers struct, their decoders, the form
    /// struct, the response enum and the handler, into `file` (the response
    /// items as text where they fit its layouts, see `server/response_text.rs`).
    pub(super) fn items(
        &self,
        api: &Api,
        unknown_fields: &[Option<TokenStream>],
        file: &mut FileText,
        pointer: &Pointer,
        text: bool,
    ) -> Result<usize> {
        let models = self.m.to_string().replace(' ', "");
        let mut texts = self.query_items(api, file, pointer, text, &models)?;
        let headers = if self.headers.is_empty() {
            quote!()
        } else {
            headers::items(api, self.op, &self.names, &self.headers, &self.m)?
        };
        let forms = self.body.iter().flat_map(|b| &b.options).filter_map(|o| match &o.kind {
            BodyKind::Form(plan) => Some(plan.items(&self.names)),
            _ => None,
        });
        let choice = self.choice_enum();
        file.tokens(quote!(#headers #choice #(#forms)*), pointer)?;
        let docs = self.response_docs();
        let response =
            text.then(|| response_text::items(&self.names.response, &docs, self.variants, &models)).flatten();
        texts += usize::from(response.is_some());
        file.text_or_tokens(response, || self.response_items(&docs), pointer)?;
        let strict = unknown_fields.iter().any(Option::is_some);
        let handler = text.then(|| handler_text::handler(self, api, strict, &models)).flatten();
        texts += usize::from(handler.is_some());
        file.text_or_tokens(handler, || self.handler(api, unknown_fields), pointer)?;
        Ok(texts)
    }

    /// The query struct's doc paragraph.
    pub(super) fn query_docs(&self) -> String {
        let op = self.op;
        format!(
            "The query parameters of [`Api::{}`] (`{} {}`), decoded, with the spec's defaults applied and its constraints checked.",
            crate::naming::unraw(&op.name),
            op.method.as_str(),
            op.path
        )
    }

    /// The query struct `name`.
    fn query_struct(&self, name: &proc_macro2::Ident) -> TokenStream {
        let docs = doc_lines([self.query_docs().as_str()]);
        let declared = self.query.iter().map(|p| {
            let field = ident(&p.param.name);
            let ty = &p.field_type;
            let docs = p.docs();
            quote!(#docs pub #field: #ty,)
        });
        quote! {
            #docs
            #[derive(Debug, Clone, PartialEq)]
            pub struct #name { #(#declared)* }
        }
    }

    /// The function decoding the query string into the struct `name`.
    fn query_decoder(&self, api: &Api, name: &proc_macro2::Ident) -> TokenStream {
        let decoder = self.query_decoder_name();
        let vars: Vec<_> = (0..self.query.len()).map(|i| format_ident!("query_param_{}", i)).collect();
        let decode = self.query.iter().zip(&vars).map(|(p, var)| p.decode_query(var));
        let checks = params::checks(api, &self.query, &vars, &self.m);
        let assigned = self.query.iter().zip(&vars).map(|(p, var)| {
            let field = ident(&p.param.name);
            quote!(#field: #var,)
        });
        quote! {
            fn #decoder(raw: ::std::option::Option<&str>) -> ::std::result::Result<#name, self::runtime::Rejection> {
                let query = self::runtime::QueryString::parse(raw)?;
                #(#decode)*
                #checks
                ::std::result::Result::Ok(#name { #(#assigned)* })
            }
        }
    }

    /// The query struct, its `Default` impl (when every parameter is
    /// optional) and its decoder, into `file`: as text where they fit its
    /// layouts (`text`, see `server/query_text.rs`), else quoted.
    fn query_items(
        &self,
        api: &Api,
        file: &mut FileText,
        pointer: &Pointer,
        text: bool,
        models: &str,
    ) -> Result<usize> {
        let Some(name) = self.query_type() else { return Ok(0) };
        let mut texts = 0;
        let written = text.then(|| query_text::query_struct(self, models)).flatten();
        texts += usize::from(written.is_some());
        file.text_or_tokens(written, || self.query_struct(&name), pointer)?;
        if let Some(default) = params::default_impl(&name, &self.query) {
            let written = text.then(|| query_text::default_impl(&self.names.query, &self.query, models)).flatten();
            texts += usize::from(written.is_some());
            file.text_or_tokens(written, || default, pointer)?;
        }
        let written = text.then(|| query_text::decoder(self, api, models)).flatten();
        texts += usize::from(written.is_some());
        file.text_or_tokens(written, || self.query_decoder(api, &name), pointer)?;
        Ok(texts)
    }

    /// The response enum's doc paragraph.
    pub(super) fn response_docs(&self) -> String {
        let op = self.op;
        format!(
            "What [`Api::{}`] answers (`{} {}`): one variant per response the spec documents.",
            crate::naming::unraw(&op.name),
            op.method.as_str(),
            op.path
        )
    }

    pub(super) fn response_items(&self, docs: &str) -> TokenStream {
        responses::items(&self.response_type(), doc_lines([docs]), self.variants, &self.m)
    }

    /// The axum handler: authenticate, decode, check, call, answer.
    /// `unknown_fields` checks a strict JSON body, per option (see [`strict`]).
    pub(super) fn handler(&self, api: &Api, unknown_fields: &[Option<TokenStream>]) -> TokenStream {
        let handler = self.handler_name();
        let method = self.method_name();
        let mut steps = Vec::new();
        let mut args = Vec::new();
        if let Some(auth) = &self.auth {
            steps.push(auth.step());
            args.push(quote!(caller));
        }
        if !self.path.is_empty() {
            steps.push(match &self.path_match {
                None => quote!(let path = self::runtime::PathParams::from_parts(&mut parts).await?;),
                Some(segments) => quote! {
                    let path = self::runtime::PathParams::from_parts(&mut parts)
                        .await?
                        .matched(#segments, parts.uri.path())?;
                },
            });
            let vars: Vec<_> = (0..self.path.len()).map(|i| format_ident!("path_param_{}", i)).collect();
            for (p, var) in self.path.iter().zip(&vars) {
                steps.push(p.decode_path(var));
                args.push(quote!(#var));
            }
            steps.push(params::checks(api, &self.path, &vars, &self.m));
        }
        if self.query_type().is_some() {
            let decoder = self.query_decoder_name();
            steps.push(quote!(let query = #decoder(parts.uri.query())?;));
            args.push(quote!(query));
        }
        if self.headers_type().is_some() {
            let decoder = ident(&self.names.headers_decoder);
            steps.push(quote!(let headers = #decoder(&parts.headers)?;));
            args.push(quote!(headers));
        }
        if let Some(body) = &self.body {
            let m = &self.m;
            let read = |i: usize| body.options[i].read(&self.names, unknown_fields.get(i).and_then(Option::as_ref), m);
            let read = match &body.choice {
                None => read(0),
                Some(choice) => {
                    // The option the `Content-Type` names, then its reader.
                    let mut accepted = Vec::new();
                    let mut arms = Vec::new();
                    let last = body.options.len() - 1;
                    for (i, option) in body.options.iter().enumerate() {
                        let indexes: Vec<_> = (accepted.len()..accepted.len() + option.media_types.len())
                            .map(Literal::usize_unsuffixed)
                            .collect();
                        accepted.extend(&option.media_types);
                        let pattern = if i == last { quote!(_) } else { quote!(#(#indexes)|*) };
                        let (variant, read) = (&option.variant, read(i));
                        arms.push(quote!(#pattern => { #read body.map(#choice::#variant) }));
                    }
                    quote! {
                        let body = if bytes.is_empty() {
                            ::std::option::Option::None
                        } else {
                            match self::runtime::body_media_type(&parts.headers, &[#(#accepted),*])? { #(#arms)* }
                        };
                    }
                }
            };
            steps.push(quote! {
                let bytes = self::runtime::read_body(&parts.headers, body, shared.config.body_limit()).await?;
                #read
            });
            let checks = match &body.choice {
                None => body.options[0].checks(api, m),
                Some(choice) => {
                    let arms: Vec<TokenStream> = body
                        .options
                        .iter()
                        .filter_map(|o| {
                            let checks = o.checks(api, m);
                            let variant = &o.variant;
                            (!checks.is_empty()).then(|| quote!(#choice::#variant(present) => { #checks }))
                        })
                        .collect();
                    let rest = (arms.len() < body.options.len()).then(|| quote!(_ => {}));
                    // One arm beside `_` reads best as a match of the enum all the same.
                    let allow = quote!(#[allow(clippy::single_match, clippy::collapsible_match)]);
                    if arms.is_empty() { quote!() } else { quote!(#allow match present { #(#arms)* #rest }) }
                }
            };
            let check = |value: TokenStream| {
                if checks.is_empty() {
                    return quote!();
                }
                let models = m.to_string().replace(' ', "");
                let checks = vec![stmt_text::Code::Tokens(value)];
                stmt_text::tokens(&params::rejected_together(&models, checks, "invalid_body_fields"))
            };
            if body.required {
                let check = check(quote!(let present = &body; #checks));
                steps.push(quote! {
                    let body = body.ok_or_else(self::runtime::Rejection::missing_body)?;
                    #check
                });
            } else {
                steps.push(check(quote!(if let ::std::option::Option::Some(present) = &body { #checks })));
            }
            args.push(quote!(body));
        }
        let uses_parts = self.auth.is_some()
            || !self.path.is_empty()
            || self.query_type().is_some()
            || self.headers_type().is_some()
            || self.body.is_some();
        let parts = match (uses_parts, self.path.is_empty()) {
            (false, _) => quote!(_parts),
            (true, true) => quote!(parts),
            (true, false) => quote!(mut parts),
        };
        let body = if self.body.is_some() { quote!(body) } else { quote!(_body) };
        let reject_by = |hook: &Option<proc_macro2::Ident>| match hook {
            None => quote!(shared.reject(rejection)),
            Some(hook) => quote!(shared.reject_with(rejection, |api, rejection| api.#hook(rejection))),
        };
        let reject = reject_by(&self.reject_hook);
        let auth_rejects = self.auth_rejects.iter().map(|(code, hook)| {
            let reject = reject_by(hook);
            quote!(::std::result::Result::Err(rejection) if rejection.status().as_u16() == #code => #reject,)
        });
        // Kept (and compiled) for an operation the router never reaches,
        // as its trait method is.
        let dead = self.unreachable.as_ref().map(|_| quote!(#[allow(dead_code)]));
        quote! {
            #dead
            async fn #handler<A: Api>(
                ::axum::extract::State(shared): ::axum::extract::State<::std::sync::Arc<Shared<A>>>,
                request: ::axum::extract::Request,
            ) -> ::axum::response::Response {
                let (#parts, #body) = request.into_parts();
                let result = async {
                    #(#steps)*
                    ::std::result::Result::<_, self::runtime::Rejection>::Ok(shared.api.#method(#(#args),*).await)
                }
                .await;
                match result {
                    ::std::result::Result::Ok(response) => ::axum::response::IntoResponse::into_response(response),
                    #(#auth_rejects)*
                    ::std::result::Result::Err(rejection) => #reject,
                }
            }
        }
    }
}

/// `&[(capture, &[pieces])]`: how an operation reads its path parameters
/// from its route's captures (see [`crate::plan::routes`]).
fn path_match(matches: &PathMatch) -> TokenStream {
    let matches = matches.iter().map(|(capture, pieces)| {
        let pieces = pieces.iter().map(|piece| match piece {
            Piece::Literal(text) => quote!(self::runtime::PathPiece::Literal(#text)),
            Piece::Param(name) => quote!(self::runtime::PathPiece::Param(#name)),
        });
        quote!((#capture, &[#(#pieces),*]))
    });
    quote!(&[#(#matches),*])
}

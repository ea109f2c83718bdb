//! One operation as a method of the client: its arguments, checks, path,
//! query, headers, body and the decoding of its response.

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, format_ident, quote};

use super::*;

pub(super) struct Body {
    pub(super) name: proc_macro2::Ident,
    pub(super) ty: Type,
    /// The argument's type (`&T`, `&[T]`, `Option<&T>`).
    pub(super) arg: TokenStream,
    /// An expression of type `&rust_type(ty)` (unwrapped when optional).
    pub(super) owned: TokenStream,
    pub(super) required: bool,
    /// `[T]`: the argument is a slice.
    pub(super) slice: bool,
    /// The item type of a slice argument.
    pub(super) slice_item: Option<Type>,
    pub(super) encoding: Encoding,
    /// The options of a body of several media types.
    pub(super) choice: Option<BodyChoice>,
}

/// The path of the model types (`crate::models::`), as tokens and as text.
pub(super) struct ModelsPath {
    pub(super) tokens: TokenStream,
    pub(super) text: String,
}

/// One operation's plan, with the tokens its pieces need.
pub(super) struct OpPlan<'a> {
    pub(super) api: &'a Api,
    pub(super) op: &'a Operation,
    pub(super) names: &'a OperationNames,
    pub(super) models: &'a TokenStream,
    /// `models` as text (`crate::models::`).
    pub(super) models_text: &'a str,
    pub(super) path: &'a [PathPiece],
    pub(super) positional: Vec<Param<'a>>,
    pub(super) optional: Vec<Param<'a>>,
    pub(super) body: Option<Body>,
    pub(super) success: &'a Success,
    /// Statuses (not 2xx) whose documented body is the error type.
    pub(super) failures: &'a BTreeSet<u16>,
    /// The request's `security` field (empty: it sends no credentials).
    pub(super) auth: TokenStream,
    /// `auth` as text (`None`: no field).
    pub(super) auth_text: Option<crate::emit::stmt_text::Field>,
    /// What the docs say about its authentication.
    pub(super) auth_doc: Option<String>,
}

impl<'a> OpPlan<'a> {
    pub(super) fn new(
        api: &'a Api,
        op: &'a Operation,
        names: &'a OperationNames,
        plan: &'a ClientOperation,
        models: &'a ModelsPath,
        security: &crate::plan::security::Security,
        index: usize,
    ) -> Self {
        let requirement = security.of(index);
        OpPlan {
            api,
            op,
            names,
            models: &models.tokens,
            models_text: &models.text,
            path: &plan.path,
            positional: plan.positional.iter().map(|p| Param::new(op, p, &models.tokens)).collect(),
            optional: plan.optional.iter().map(|p| Param::new(op, p, &models.tokens)).collect(),
            body: plan.body.as_ref().map(|b| Body::new(b, &models.tokens)),
            success: &plan.success,
            failures: &plan.failures,
            auth: super::auth::request_field(security, requirement),
            auth_text: super::auth::request_field_text(security, requirement),
            auth_doc: super::auth::docs(security, requirement),
        }
    }

    pub(super) fn query_struct_name(&self) -> proc_macro2::Ident {
        ident(&self.names.query)
    }

    pub(super) fn emit(&self) -> Result<TokenStream> {
        let m = self.models;
        let op = self.op;
        let choice = self.body.as_ref().and_then(|b| b.choice.as_ref());
        let name = ident(choice.map_or(&op.name, |c| &c.method));

        // Arguments.
        let mut args = Vec::new();
        let mut owned = Vec::new();
        for p in &self.positional {
            let arg = p.arg();
            let (arg_ty, own) = match p.wire {
                Wire::Segment(Scalar::Text)
                | Wire::Query(Scalar::Text)
                | Wire::Header(Scalar::Text)
                | Wire::Cookie(Scalar::Text) => {
                    (quote!(&str), quote!(let #arg: ::std::string::String = ::std::borrow::ToOwned::to_owned(#arg);))
                }
                Wire::Segment(_) | Wire::Query(_) | Wire::Header(_) | Wire::Cookie(_) => (p.rust.clone(), quote!()),
                Wire::QueryArray { item_type, .. }
                | Wire::HeaderArray { item_type, .. }
                | Wire::CookieArray { item_type, .. } => {
                    let rust = &p.rust;
                    let item_type = rust_type(item_type, m);
                    (quote!(&[#item_type]), quote!(let #arg: #rust = ::std::borrow::ToOwned::to_owned(#arg);))
                }
                Wire::QueryJson
                | Wire::QueryValue { .. }
                | Wire::QueryDeep(_)
                | Wire::QueryUnion { .. }
                | Wire::QueryNested { .. }
                | Wire::SegmentStyled { .. }
                | Wire::SegmentJson
                | Wire::HeaderStyled { .. }
                | Wire::HeaderJson
                | Wire::SegmentUnion { .. } => {
                    let rust = &p.rust;
                    (quote!(&#rust), quote!(let #arg: #rust = ::std::clone::Clone::clone(#arg);))
                }
            };
            args.push(quote!(#arg: #arg_ty));
            owned.push(own);
        }
        match (&self.body, choice) {
            (Some(body), Some(choice)) => {
                let (name, enum_name) = (ident(&choice.argument), ident(&choice.name));
                args.push(if body.required {
                    quote!(#name: &#enum_name)
                } else {
                    quote!(#name: ::std::option::Option<&#enum_name>)
                });
            }
            (Some(body), None) => {
                let (name, arg) = (&body.name, &body.arg);
                args.push(quote!(#name: #arg));
            }
            (None, _) => {}
        }
        let query_struct = (!self.optional.is_empty()).then(|| {
            let query = self.query_struct_name();
            args.push(quote!(query: &#query));
            self.query_struct()
        });

        // Constraint checks.
        let mut checks = Vec::new();
        for p in &self.positional {
            let arg = p.arg();
            let wire_name = &p.p.wire_name;
            let (segment, guard, validate) = self.positional_checks(p);
            let segment = segment.then(|| quote!(check_segment(&#arg, #wire_name, out);));
            let body = quote!(#segment #guard #validate);
            if !body.is_empty() {
                checks.push(quote! { { let out = &mut violations; #body } });
            }
        }
        for p in &self.optional {
            let field = p.name();
            let (guard, validate) = self.optional_checks(p);
            let body = quote!(#guard #validate);
            if !body.is_empty() {
                checks.push(quote! {
                    if let ::std::option::Option::Some(given) = &query.#field {
                        let out = &mut violations;
                        #body
                    }
                });
            }
        }
        if let (Some(b), Some(choice)) = (&self.body, choice) {
            checks.extend(self.choice_checks(b, choice));
        }
        checks.extend(self.body_checks());
        let validation = (!checks.is_empty()).then(|| {
            quote! {
                let mut violations: ::std::vec::Vec<#m validation::Violation> = ::std::vec::Vec::new();
                #(#checks)*
                #m validation::Violations::check(violations)?;
            }
        });

        // The path.
        let mut path = Vec::new();
        for piece in self.path {
            match piece {
                // One character is pushed as a `char` (clippy's `single_char_add_str`).
                PathPiece::Literal(text) => path.push(match text.chars().collect::<Vec<_>>().as_slice() {
                    [one] => quote!(path.push(#one);),
                    _ => quote!(path.push_str(#text);),
                }),
                PathPiece::Param(i) => path.push(self.path_param(&self.positional[*i])?),
            }
        }

        // The query.
        let mut query = Vec::new();
        for p in &self.positional {
            let arg = p.arg();
            if let Some(push) = query_push(p, quote!(&#arg)) {
                query.push(push);
            }
        }
        for p in &self.optional {
            let field = p.name();
            if let Some(push) = query_push(p, quote!(value)) {
                query.push(quote! {
                    if let ::std::option::Option::Some(value) = &query.#field {
                        #push
                    }
                });
            }
        }
        let (query_init, query_field) = if query.is_empty() {
            (quote!(), quote!())
        } else {
            (quote!(let mut query_string = QueryString::default(); #(#query)*), quote!(query: query_string,))
        };

        // Header and cookie parameters (when the API has any).
        let mut headers = Vec::new();
        for p in &self.positional {
            let arg = p.arg();
            headers.extend(header_push(p, quote!(&#arg)));
        }
        for p in &self.optional {
            let field = p.name();
            if let Some(push) = header_push(p, quote!(value)) {
                headers.push(quote! {
                    if let ::std::option::Option::Some(value) = &query.#field {
                        #push
                    }
                });
            }
        }
        let (headers_init, headers_field) = if headers.is_empty() {
            (quote!(), quote!())
        } else {
            (
                quote! {
                    let mut headers = HeaderParams::default();
                    #(#headers)*
                    let headers = headers.finish()?;
                },
                quote!(headers,),
            )
        };

        // The body.
        let body_field = match &self.body {
            Some(Body { encoding: Encoding::Multipart(_), .. } | Body { choice: Some(_), .. }) | None => None,
            Some(b) => {
                let name = &b.name;
                let encode = match &b.encoding {
                    Encoding::Json(media) => quote!((#media, ::serde_json::to_vec(#name).map_err(Error::Encode)?)),
                    Encoding::Raw(media) if b.ty.shape == Shape::Primitive(Primitive::String) => {
                        quote!((#media, ::std::vec::Vec::from(#name.as_bytes())))
                    }
                    Encoding::Raw(media) => quote!((#media, ::std::vec::Vec::from(#name))),
                    Encoding::Ranged => quote!(("application/octet-stream", ::std::vec::Vec::from(#name))),
                    Encoding::Form(plan) => form_encoding::encode_form(plan, &quote!(#name)),
                    Encoding::Multipart(_) => quote!(::std::option::Option::None),
                };
                let value = encoded_body(b.required, name, &encode);
                Some(quote!(body: #value,))
            }
        };

        // The response.
        let documented = status_pattern(self.failures);
        let (ret, decode, accept_json) = self.response();
        let method = format_ident!("{}", op.method.as_str());
        let auth = &self.auth;
        let server = op.servers.first().map(|url| quote!(server: ::std::option::Option::Some(#url),));
        let accept_json = accept_json.then(|| quote!(accept_json: true,));

        let paragraphs = self.method_docs();
        let docs = doc_lines(paragraphs.iter().map(String::as_str));
        let deprecated = op.deprecated.then(|| quote!(#[deprecated]));

        let success_enum = self.success_enum();
        let multipart_struct = self.body.as_ref().and_then(|b| {
            let mut encodings =
                std::iter::once(&b.encoding).chain(b.choice.iter().flat_map(|c| &c.options).map(|o| &o.encoding));
            encodings.find_map(|e| match e {
                Encoding::Multipart(plan) => Some(form_encoding::multipart_definition(plan, m)),
                _ => None,
            })
        });
        let multipart = match &self.body {
            Some(Body { encoding: Encoding::Multipart(plan), name, required, choice: None, .. }) => {
                let value = encoded_body(*required, name, &form_encoding::encode_multipart(plan, &quote!(#name)));
                Some(quote!(multipart: #value,))
            }
            _ => None,
        };
        let (mutable, choose) = match (&self.body, choice) {
            (Some(b), Some(choice)) => (Some(quote!(mut)), Some(self.choice_body(b, choice))),
            _ => (None, None),
        };
        let choice_items = match (&self.body, choice) {
            (Some(b), Some(choice)) => Some(self.choice_items(b, choice, &args, &ret, deprecated.as_ref())),
            _ => None,
        };
        Ok(quote! {
            #query_struct
            #multipart_struct
            #success_enum
            #choice_items

            impl Client {
                #docs
                #deprecated
                pub fn #name(&self, #(#args),*) -> runtime::Call<Client, #ret> {
                    // The request is checked and encoded now; the runtime
                    // sends it when the call is awaited (see `runtime::Call`).
                    let request = (|| -> ::std::result::Result<runtime::Request, Error> {
                        #(#owned)*
                        #validation
                        let mut path = ::std::string::String::new();
                        #(#path)*
                        #query_init
                        #headers_init
                        // Never every field: `body` and `multipart` exclude each other.
                        let #mutable request = runtime::Request {
                            method: ::reqwest::Method::#method,
                            path,
                            #query_field
                            #headers_field
                            #accept_json
                            #body_field
                            #server
                            #auth
                            #multipart
                            ..::std::default::Default::default()
                        };
                        #choose
                        ::std::result::Result::Ok(request)
                    })();
                    self.0.call(request, |raw| {
                        if raw.status.is_success() {
                            #decode
                        } else {
                            let documented = #documented;
                            ::std::result::Result::Err(Error::from_failure(raw, documented))
                        }
                    })
                }
            }
        })
    }

    /// The checks of a positional parameter: whether its segment is
    /// checked (`check_segment`), the delimiter guard, the constraint checks.
    pub(super) fn positional_checks(&self, p: &Param<'_>) -> (bool, Option<TokenStream>, TokenStream) {
        let (arg, wire_name) = (p.arg(), &p.p.wire_name);
        let validate = validate::checks(self.api, &p.ty, quote!(&#arg), quote!(#wire_name), self.models);
        (p.checks_segment(), self.positional_guard(p), validate)
    }

    /// A positional parameter's delimiter guard (see [`delimiter_checks`]).
    pub(super) fn positional_guard(&self, p: &Param<'_>) -> Option<TokenStream> {
        let arg = p.arg();
        delimiter_checks(p.wire, quote!(&#arg), &p.p.wire_name, self.models)
    }

    /// The checks of an optional parameter's value `given`: the delimiter
    /// guard, the constraint checks.
    pub(super) fn optional_checks(&self, p: &Param<'_>) -> (Option<TokenStream>, TokenStream) {
        let wire_name = &p.p.wire_name;
        (self.optional_guard(p), validate::checks(self.api, &p.ty, quote!(given), quote!(#wire_name), self.models))
    }

    /// [`Self::optional_checks`] without the constraint checks.
    pub(super) fn optional_guard(&self, p: &Param<'_>) -> Option<TokenStream> {
        delimiter_checks(p.wire, quote!(given), &p.p.wire_name, self.models)
    }

    /// The checks of a body of one media type.
    pub(super) fn body_checks(&self) -> Vec<TokenStream> {
        let m = self.models;
        let mut checks = Vec::new();
        if let Some(b) = self
            .body
            .as_ref()
            .filter(|b| b.choice.is_none() && matches!(b.encoding, Encoding::Json(_) | Encoding::Form(_)))
        {
            let (name, owned_expr) = (&b.name, &b.owned);
            let path = crate::naming::unraw(&b.name.to_string()).to_owned();
            let body = validate::checks(self.api, &b.ty, quote!(#owned_expr), quote!(#path), m);
            if !body.is_empty() {
                let slice_owned = b.slice.then(|| {
                    let rust = rust_type(&b.ty, m);
                    quote!(let #name: &#rust = &::std::borrow::ToOwned::to_owned(#name);)
                });
                if b.required {
                    checks.push(quote! { { #slice_owned let out = &mut violations; #body } });
                } else {
                    checks.push(quote! {
                        if let ::std::option::Option::Some(#name) = #name {
                            #slice_owned
                            let out = &mut violations;
                            #body
                        }
                    });
                }
            }
        }
        if let Some(Body { encoding: Encoding::Multipart(plan), name, required, choice: None, .. }) = &self.body {
            let body = form_encoding::multipart_checks(self.api, plan, &quote!(#name), m);
            if !body.is_empty() {
                checks.push(if *required {
                    quote! { { let out = &mut violations; #body } }
                } else {
                    quote! {
                        if let ::std::option::Option::Some(#name) = #name {
                            let out = &mut violations;
                            #body
                        }
                    }
                });
            }
        }
        checks
    }

    /// Statements appending the path parameter `p` to `path`.
    pub(super) fn path_param(&self, p: &Param<'_>) -> Result<TokenStream> {
        let m = self.models;
        let arg = p.arg();
        if let Wire::SegmentUnion { union, arms } = p.wire {
            let rust = rust_type(union, m);
            let arms = arms.iter().map(|(variant, scalar)| {
                let variant = ident(variant);
                let text = match scalar {
                    Scalar::Text => quote!(value),
                    _ => {
                        let text = scalar.to_string(&quote!(value));
                        quote!(&#text)
                    }
                };
                quote!(#rust::#variant(value) => encode_into(&mut path, #text),)
            });
            return Ok(quote!(match &#arg { #(#arms)* }));
        }
        if let Wire::SegmentStyled { style, explode } = p.wire {
            let (name, style) = (&p.p.wire_name, style.spec_name());
            return Ok(quote! {
                let json = ::serde_json::to_value(&#arg).map_err(Error::Encode)?;
                path.push_str(&styled_text(#name, &json, #style, #explode, true));
            });
        }
        if let Wire::SegmentJson = p.wire {
            return Ok(quote! {
                let json = ::serde_json::to_string(&#arg).map_err(Error::Encode)?;
                encode_into(&mut path, &json);
            });
        }
        let Wire::Segment(scalar) = *p.wire else {
            return Err(Error::Emit {
                pointer: p.p.pointer.clone(),
                message: "a path template names a parameter that is not in the path".to_owned(),
            });
        };
        Ok(match scalar {
            Scalar::Text => quote!(encode_into(&mut path, &#arg);),
            _ => {
                let text = scalar.to_string(&quote!(&#arg));
                quote!(encode_into(&mut path, &#text);)
            }
        })
    }

    /// The method's return type, its decoding of a success, and whether it asks for JSON.
    pub(super) fn response(&self) -> (TokenStream, TokenStream, bool) {
        let m = self.models;
        match self.success {
            Success::Unit => (quote!(()), quote!(::std::result::Result::Ok(())), !self.failures.is_empty()),
            Success::Text => (quote!(::std::string::String), quote!(raw.text()), !self.failures.is_empty()),
            Success::Bytes => (quote!(::std::vec::Vec<u8>), quote!(raw.bytes()), !self.failures.is_empty()),
            Success::Statuses(variants) => {
                let name = self.success_enum_name();
                let mut arms = Vec::new();
                let mut accept_json = !self.failures.is_empty();
                for v in variants {
                    let variant = ident(&v.name);
                    let (pattern, status) = match v.status {
                        StatusCode::Exact(code) => (Literal::u16_unsuffixed(code).into_token_stream(), None),
                        _ => (quote!(code if (200..300).contains(&code)), Some(quote!(raw.status))),
                    };
                    let read = match &v.read {
                        Read::Nothing => None,
                        Read::Json(ty) => {
                            accept_json = true;
                            let ty = rust_type(&ty.as_deref().cloned().unwrap_or_else(|| Type::new(Shape::Any)), m);
                            Some(quote!(raw.decode::<#ty>()?))
                        }
                        Read::Text => Some(quote!(raw.text()?)),
                        Read::Bytes => Some(quote!(raw.bytes()?)),
                    };
                    let fields: Vec<TokenStream> = status.into_iter().chain(read).collect();
                    let value =
                        if fields.is_empty() { quote!(#name::#variant) } else { quote!(#name::#variant(#(#fields),*)) };
                    arms.push(quote!(#pattern => ::std::result::Result::Ok(#value),));
                }
                let decode = quote! {
                    match raw.status.as_u16() {
                        #(#arms)*
                        _ => ::std::result::Result::Err(raw.undecodable("the spec documents no response for this success status".to_owned())),
                    }
                };
                (quote!(#name), decode, accept_json)
            }
            Success::Strict(ty) => {
                let ty = rust_type(ty, m);
                (ty.clone(), quote!(raw.decode::<#ty>()), true)
            }
            Success::Lenient(ty, lists) => {
                let ty = rust_type(ty, m);
                let skips = lists.iter().map(|(field, item)| {
                    let item = rust_type(item, m);
                    let field = match field {
                        Some(f) => quote!(::std::option::Option::Some(#f)),
                        None => quote!(::std::option::Option::None),
                    };
                    quote!(skip_items::<#item>(value, #field, skipped);)
                });
                (quote!(Decoded<#ty>), quote!(raw.decode_lenient::<#ty>(|value, skipped| { #(#skips)* })), true)
            }
        }
    }

    /// The paragraphs of the method's docs.
    pub(super) fn method_docs(&self) -> Vec<String> {
        let op = self.op;
        let mut paragraphs: Vec<String> = Vec::new();
        paragraphs.extend(op.summary.clone());
        paragraphs.extend(op.description.clone());
        paragraphs.push(format!("`{} {}`", op.method.as_str(), op.path));
        if let Some(b) = &self.body {
            let what = match b.ty.named() {
                Some(name) => format!("`{name}`"),
                None => "the body".to_owned(),
            };
            let name = crate::naming::unraw(&b.name.to_string()).to_owned();
            paragraphs.push(match &b.encoding {
                Encoding::Json(media) => format!("`{name}`: {what}, sent as JSON (`{media}`)."),
                Encoding::Raw(media) => format!("`{name}`: sent as it is, as `{media}`."),
                Encoding::Form(_) => format!("`{name}`: {what}, sent as `application/x-www-form-urlencoded`."),
                Encoding::Multipart(plan) => {
                    format!("`{name}`: {what}, sent as `multipart/form-data` (see [`{}`]).", plan.name)
                }
                Encoding::Ranged => format!("`{name}`: sent as it is, as `application/octet-stream`."),
            });
            if let Some(choice) = &b.choice {
                paragraphs.pop();
                let media: Vec<String> =
                    choice.options.iter().flat_map(|o| &o.media_types).map(|m| format!("`{m}`")).collect();
                paragraphs.push(format!(
                    "`{}`: the body in any media type the spec documents ({}), one variant of [`{}`] each; \
                     [`Client::{}`] sends the default one.",
                    choice.argument,
                    media.join(", "),
                    choice.name,
                    crate::naming::unraw(&op.name)
                ));
            }
        }
        paragraphs.extend(op.ignored_parameters.iter().map(|p| p.note()));
        paragraphs.extend(self.auth_doc.clone());
        if let Success::Lenient(..) = self.success {
            paragraphs.push(
                "Items of the response's lists that cannot be decoded are reported in `Decoded::skipped`.".to_owned(),
            );
        }
        if let Some(url) = op.servers.first() {
            paragraphs.push(if url.starts_with('/') {
                format!(
                    "Sent under the base URL followed by `{url}`, the operation's own server (see `ClientBuilder::operation_server`)."
                )
            } else {
                format!(
                    "Sent to `{url}`, the operation's own server, not to the base URL (see `ClientBuilder::operation_server`)."
                )
            });
        }
        if op.deprecated {
            paragraphs.push("**Deprecated** in the spec.".to_owned());
        }
        paragraphs
    }

    /// Checks of the option `choice`'s argument holds.
    fn choice_checks(&self, b: &Body, choice: &BodyChoice) -> Option<TokenStream> {
        let m = self.models;
        let (arg, enum_name) = (ident(&choice.argument), ident(&choice.name));
        let path = crate::naming::unraw(&choice.argument).to_owned();
        let arms: Vec<TokenStream> = choice
            .options
            .iter()
            .filter_map(|o| {
                let checks = match &o.encoding {
                    Encoding::Json(_) | Encoding::Form(_) => {
                        validate::checks(self.api, &o.ty, quote!(present), quote!(#path), m)
                    }
                    Encoding::Multipart(plan) => form_encoding::multipart_checks(self.api, plan, &quote!(present), m),
                    Encoding::Raw(_) | Encoding::Ranged => return None,
                };
                let variant = ident(&o.name);
                (!checks.is_empty()).then(|| quote!(#enum_name::#variant(present) => { #checks }))
            })
            .collect();
        if arms.is_empty() {
            return None;
        }
        let rest = (arms.len() < choice.options.len()).then(|| quote!(_ => {}));
        // One arm beside `_` reads best as a match of the enum all the same.
        let checks = quote! {
            let out = &mut violations;
            #[allow(clippy::single_match)]
            match #arg { #(#arms)* #rest }
        };
        Some(if b.required {
            quote!({ #checks })
        } else {
            quote!(if let ::std::option::Option::Some(#arg) = #arg { #checks })
        })
    }

    /// Statements setting `request`'s body from the option `choice`'s argument holds.
    fn choice_body(&self, b: &Body, choice: &BodyChoice) -> TokenStream {
        let (arg, enum_name) = (ident(&choice.argument), ident(&choice.name));
        let arms = choice.options.iter().map(|o| {
            let variant = ident(&o.name);
            let set = super::exchange::option_body(o, &quote!(value));
            quote!(#enum_name::#variant(value) => { #set })
        });
        let set = quote!(match #arg { #(#arms)* });
        if b.required { set } else { quote!(if let ::std::option::Option::Some(#arg) = #arg { #set }) }
    }

    /// `{Op}RequestBody` and the operation's own method, which sends the
    /// default option through `{op}_with_body` (`args`: that method's).
    fn choice_items(
        &self,
        b: &Body,
        choice: &BodyChoice,
        args: &[TokenStream],
        ret: &TokenStream,
        deprecated: Option<&TokenStream>,
    ) -> TokenStream {
        let m = self.models;
        let op = self.op;
        let enum_name = ident(&choice.name);
        let variants = choice.options.iter().map(|o| {
            let variant = ident(&o.name);
            let value = super::exchange::option_type(o, m);
            let media: Vec<String> = o.media_types.iter().map(|m| format!("`{m}`")).collect();
            let doc = match &o.encoding {
                Encoding::Ranged => format!(" {}: the `Content-Type` to send and the bytes.", media.join(", ")),
                Encoding::Json(sent) => format!(" {}: sent as JSON (`{sent}`).", media.join(", ")),
                _ => format!(" {}.", media.join(", ")),
            };
            quote!(#[doc = #doc] #variant(#value),)
        });
        let enum_doc = format!(
            " The request body of [`Client::{}`]: one variant per media type the spec documents (JSON media types of \
             one schema are one variant).",
            crate::naming::unraw(&choice.method)
        );
        // The operation's own method: its arguments are `with_body`'s with
        // the default option's value in place of the enum.
        let name = ident(&op.name);
        let with_body = ident(&choice.method);
        let (body_arg, arg_ty) = (&b.name, &b.arg);
        let default = ident(&choice.options[choice.default].name);
        let mut own_args = Vec::new();
        let mut passed = Vec::new();
        for p in &self.positional {
            let arg = p.arg();
            passed.push(quote!(#arg));
        }
        let value = if b.required {
            quote!(&#enum_name::#default(::std::borrow::ToOwned::to_owned(#body_arg)))
        } else {
            quote!(#body_arg.map(|value| #enum_name::#default(::std::borrow::ToOwned::to_owned(value))).as_ref())
        };
        passed.push(value);
        if !self.optional.is_empty() {
            passed.push(quote!(query));
        }
        for (i, arg) in args.iter().enumerate() {
            own_args.push(if i == self.positional.len() { quote!(#body_arg: #arg_ty) } else { arg.clone() });
        }
        let what = match b.ty.named() {
            Some(name) => format!("`{name}`"),
            None => "the body".to_owned(),
        };
        let media = &choice.options[choice.default].media_types[0];
        let mut paragraphs: Vec<String> = Vec::new();
        paragraphs.extend(op.summary.clone());
        paragraphs.extend(op.description.clone());
        paragraphs.push(format!("`{} {}`", op.method.as_str(), op.path));
        paragraphs.push(format!(
            "`{}`: {what}, sent as `{media}`; [`Client::{}`] sends any media type the spec documents ([`{}`]).",
            crate::naming::unraw(&b.name.to_string()),
            crate::naming::unraw(&choice.method),
            choice.name
        ));
        if op.deprecated {
            paragraphs.push("**Deprecated** in the spec.".to_owned());
        }
        let docs = doc_lines(paragraphs.iter().map(String::as_str));
        let allow = deprecated.map(|_| quote!(#[allow(deprecated)]));
        quote! {
            #[doc = #enum_doc]
            #[derive(Debug, Clone, PartialEq)]
            pub enum #enum_name { #(#variants)* }

            impl Client {
                #docs
                #deprecated
                #allow
                pub fn #name(&self, #(#own_args),*) -> runtime::Call<Client, #ret> {
                    self.#with_body(#(#passed),*)
                }
            }
        }
    }

    pub(super) fn success_enum_name(&self) -> proc_macro2::Ident {
        ident(&self.names.success)
    }

    /// `{Op}Success`, when the 2xx responses have different bodies.
    pub(super) fn success_enum(&self) -> Option<TokenStream> {
        let Success::Statuses(variants) = self.success else { return None };
        let name = self.success_enum_name();
        let m = self.models;
        let declared = variants.iter().map(|v| {
            let variant = ident(&v.name);
            let key = match v.status {
                StatusCode::Exact(code) => code.to_string(),
                _ => "2XX".to_owned(),
            };
            let doc = format!(" `{key}`: {}", v.description.trim().replace('\t', "    "));
            let mut fields: Vec<TokenStream> = Vec::new();
            if !matches!(v.status, StatusCode::Exact(_)) {
                fields.push(quote!(::reqwest::StatusCode));
            }
            match &v.read {
                Read::Nothing => {}
                Read::Json(ty) => {
                    fields.push(rust_type(&ty.as_deref().cloned().unwrap_or_else(|| Type::new(Shape::Any)), m))
                }
                Read::Text => fields.push(quote!(::std::string::String)),
                Read::Bytes => fields.push(quote!(::std::vec::Vec<u8>)),
            }
            let fields = (!fields.is_empty()).then(|| quote!((#(#fields),*)));
            quote!(#[doc = #doc] #variant #fields,)
        });
        let doc = format!(
            " What [`Client::{}`] returns: one variant per 2xx response the spec documents (their bodies differ).",
            crate::naming::unraw(&self.op.name)
        );
        Some(quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name { #(#declared)* }
        })
    }
}

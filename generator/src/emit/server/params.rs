//! Path, query, header and cookie parameters: their Rust types, defaults,
//! and the decoding their location, style, `explode` and content call for
//! (headers and cookies: see `headers.rs`).
//!
//! - Path parameters: `style: simple`; query parameters: `form`,
//!   `spaceDelimited`, `pipeDelimited` (arrays split at `%20`/`+`/space or
//!   `|`/`%7C` when not exploded, repeated keys otherwise; a scalar is
//!   `name=value` in every style) and `deepObject` (see `deep_object.rs`).
//! - Unions of scalars and arrays of scalars: each variant tried in order
//!   (see `union_params.rs`).
//! - `nullable` is ignored: a path or query string cannot say `null`, so the
//!   value is decoded as the non-null type (an absent optional parameter is
//!   its default or `None`).

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, quote};

use super::super::stmt_text::{self, Code};
use super::super::text::lit;
use super::super::{describe_constraints, doc_lines, ident, rust_type};
use crate::ir::{Api, Operation, Parameter, Style, Type};
use crate::plan::decoding::{Decode, Deep, Default, Form, Parse, ServerParameter};
use crate::plan::parameters::Flat;

/// The runtime parser of a scalar (`from_param::<i32>`, `from_str_param::<Status>`):
/// a `fn(name, text) -> Result<T, Rejection>`.
pub(super) fn parse(parse: &Parse, m: &TokenStream) -> TokenStream {
    let rust = rust_type(&parse.ty, m);
    if parse.enumeration {
        quote!(self::runtime::from_str_param::<#rust>)
    } else if parse.json {
        quote!(self::runtime::from_value_param::<#rust>)
    } else {
        quote!(self::runtime::from_param::<#rust>)
    }
}

/// One path, query, header or cookie parameter, with the tokens its plan needs.
pub(super) struct ParamPlan<'a> {
    pub param: &'a Parameter,
    /// The type of the query struct's field or of the method's argument:
    /// `Option<T>` for optional parameters without a default.
    pub field_type: TokenStream,
    /// The spec's default, as an expression of `field_type`.
    pub default: Option<TokenStream>,
    /// The same, as the plan has it.
    pub(super) planned_default: Option<&'a Default>,
    /// The parameter's type, without `nullable` for styled parameters.
    pub ty: Type,
    pub(super) decode: &'a Decode,
    /// `None` when absent: optional and without a default.
    pub(super) optional: bool,
    m: TokenStream,
}

impl<'a> ParamPlan<'a> {
    pub fn new(op: &'a Operation, plan: &'a ServerParameter, m: &TokenStream) -> Self {
        let rust = rust_type(&plan.ty, m);
        let field_type = if plan.optional { quote!(::std::option::Option<#rust>) } else { rust };
        ParamPlan {
            param: &op.parameters[plan.index],
            field_type,
            default: plan.default.as_ref().map(|d| default_expr(d, m)),
            planned_default: plan.default.as_ref(),
            ty: plan.ty.clone(),
            decode: &plan.decode,
            optional: plan.optional,
            m: m.clone(),
        }
    }

    /// The docs of the query struct's field.
    pub fn docs(&self) -> TokenStream {
        self.docs_saying(&format!("`{}`", self.param.wire_name))
    }

    /// A field's docs: the spec's description, `source` (where the value
    /// comes from) with whether it is required, constraints, default.
    pub(super) fn docs_saying(&self, source: &str) -> TokenStream {
        let paragraphs = self.doc_paragraphs(source);
        doc_lines(paragraphs.iter().map(String::as_str))
    }

    /// The paragraphs of [`Self::docs_saying`].
    pub(super) fn doc_paragraphs(&self, source: &str) -> Vec<String> {
        let p = self.param;
        let mut paragraphs: Vec<String> = p.docs.iter().cloned().collect();
        let presence = match (p.required, &self.default) {
            (true, _) => " (required)",
            (false, Some(_)) => "",
            (false, None) => " (optional)",
        };
        paragraphs.push(format!("{source}{presence}."));
        paragraphs.extend(describe_constraints(&self.ty.constraints));
        if let Some(default) = default_value_text(p).filter(|_| self.default.is_some()) {
            paragraphs.push(format!("Default: `{default}` (applied when the parameter is absent)."));
        }
        if p.deprecated {
            paragraphs.push("**Deprecated** in the spec.".to_owned());
        }
        paragraphs
    }

    /// The value of an absent parameter: `400` when it is required, else its
    /// default or `None`.
    pub(super) fn missing(&self) -> TokenStream {
        let wire = &self.param.wire_name;
        if self.param.required {
            quote!(return ::std::result::Result::Err(self::runtime::Rejection::invalid_parameter(#wire, "is required")))
        } else if let Some(default) = &self.default {
            default.clone()
        } else {
            quote!(::std::option::Option::None)
        }
    }

    /// `let #var = ...;` from the `QueryString` named `query`.
    pub fn decode_query(&self, var: &proc_macro2::Ident) -> TokenStream {
        let wire = &self.param.wire_name;
        let missing = self.missing();
        let wrap = |value: TokenStream| {
            if self.optional { quote!(::std::option::Option::Some(#value)) } else { value }
        };
        let one = |decode: TokenStream| {
            let value = wrap(decode);
            quote! {
                let #var = match query.single(#wire)? {
                    ::std::option::Option::Some(raw) => #value,
                    ::std::option::Option::None => #missing,
                };
            }
        };
        // `read`, an `Option` of the value: as it is when optional.
        let read = |read: TokenStream| {
            if self.optional {
                return quote!(let #var = #read;);
            }
            quote! {
                let #var = match #read {
                    ::std::option::Option::Some(value) => value,
                    ::std::option::Option::None => #missing,
                };
            }
        };
        let m = &self.m;
        match self.decode {
            Decode::Scalar(p) => {
                let parse = parse(p, m);
                one(quote!(self::runtime::query_value(#wire, raw, #parse)?))
            }
            Decode::List { parse: p, explode: false, delimiter } => {
                let parse = parse(p, m);
                let delimiter = delimiter.char();
                one(quote!(self::runtime::query_list(#wire, raw, #delimiter, #parse)?))
            }
            Decode::Json(ty) => {
                let ty = rust_type(ty, m);
                read(quote!(query.json::<#ty>(#wire)?))
            }
            Decode::List { parse: p, explode: true, .. } => {
                let parse = parse(p, m);
                let value = wrap(quote! {
                    raws.into_iter()
                        .map(|raw| self::runtime::query_value(#wire, raw, #parse))
                        .collect::<::std::result::Result<::std::vec::Vec<_>, self::runtime::Rejection>>()?
                });
                quote! {
                    let raws = query.all(#wire);
                    let #var = if raws.is_empty() { #missing } else { #value };
                }
            }
            Decode::Deep(deep) => {
                let value = wrap(super::deep_object::decode(deep, wire, m));
                quote! {
                    let entries = query.deep(#wire)?;
                    let #var = if entries.is_empty() { #missing } else { #value };
                }
            }
            Decode::Nested(ty) => {
                let ty = rust_type(ty, m);
                read(quote!(query.nested::<#ty>(#wire)?))
            }
            Decode::Form(form @ Form { deep: Deep::Nested { ty, .. }, .. }) => {
                let ty = rust_type(ty, m);
                let claimed = &form.claimed;
                let declared = if form.declared_only {
                    let keys = super::deep_object::keys(&form.deep);
                    quote!(::std::option::Option::Some(&[#(#keys),*]))
                } else {
                    quote!(::std::option::Option::None)
                };
                read(quote!(query.nested_members::<#ty>(#wire, &[#(#claimed),*], #declared)?))
            }
            // Path and header styles: the plan never puts them in the query.
            Decode::Styled { .. } => quote! {
                return ::std::result::Result::Err(self::runtime::Rejection::internal(
                    "a path or header style in the query",
                ));
            },
            Decode::Form(form) => {
                let entries = if form.explode {
                    let claimed = &form.claimed;
                    let declared = if form.declared_only {
                        let keys = super::deep_object::keys(&form.deep);
                        quote!(::std::option::Option::Some(&[#(#keys),*]))
                    } else {
                        quote!(::std::option::Option::None)
                    };
                    quote!(let entries = query.form_entries(&[#(#claimed),*], #declared);)
                } else {
                    let delimiter = form.delimiter.char();
                    quote!(let entries = query.form_pairs(#wire, #delimiter)?;)
                };
                // Exploded, the properties are top-level keys: errors name them alone.
                let name = if form.explode { "" } else { wire.as_str() };
                let value = wrap(super::deep_object::decode(&form.deep, name, m));
                quote! {
                    #entries
                    let #var = if entries.is_empty() { #missing } else { #value };
                }
            }
            Decode::Untyped => read(quote!(query.untyped(#wire)?)),
            Decode::Union(union) => {
                let value = wrap(super::union_params::decode_query(union, wire, m));
                let raws = if union.explode {
                    quote!(let raws = query.all(#wire);)
                } else {
                    quote!(let raws: ::std::vec::Vec<&str> = query.single(#wire)?.into_iter().collect();)
                };
                quote! {
                    #raws
                    let #var = if raws.is_empty() { #missing } else { #value };
                }
            }
        }
    }

    /// `let #var = ...;` from the `PathParams` named `path`.
    pub fn decode_path(&self, var: &proc_macro2::Ident) -> TokenStream {
        let wire = &self.param.wire_name;
        let m = &self.m;
        let value = match self.decode {
            Decode::Scalar(p) => {
                let parse = parse(p, m);
                quote!(#parse(#wire, path.get(#wire)?)?)
            }
            Decode::List { parse: p, .. } => {
                let parse = parse(p, m);
                quote!(self::runtime::path_list(#wire, path.get(#wire)?, #parse)?)
            }
            Decode::Json(ty) => {
                let ty = rust_type(ty, m);
                quote!(self::runtime::from_json_param::<#ty>(#wire, path.get(#wire)?)?)
            }
            Decode::Union(union) => {
                let decode = super::union_params::decode_path(union, wire, m);
                quote!({ let text = path.get(#wire)?; #decode })
            }
            Decode::Styled { style, explode, flat } => {
                styled(&self.ty, wire, *style, *explode, *flat, quote!(path.get(#wire)?), m)
            }
            // Query styles: the plan never puts them in a path.
            Decode::Deep(_) | Decode::Form(_) | Decode::Untyped | Decode::Nested(_) => quote! {
                return ::std::result::Result::Err(self::runtime::Rejection::internal(
                    "a `deepObject` parameter in the path",
                ))
            },
        };
        quote!(let #var = #value;)
    }
}

/// The value of a path or header parameter of `ty` in `style` (an array or
/// an object of scalars, or a scalar in `label` or `matrix`) from `text` (a
/// `&str` expression).
pub(super) fn styled(
    ty: &Type,
    wire: &str,
    style: Style,
    explode: bool,
    flat: Flat,
    text: TokenStream,
    m: &TokenStream,
) -> TokenStream {
    let rust = rust_type(ty, m);
    let style = style.spec_name();
    let shape = match flat {
        Flat::Scalar => quote!(Scalar),
        Flat::Array => quote!(Array),
        Flat::Object => quote!(Object),
    };
    quote!(self::runtime::styled_param::<#rust>(#wire, #text, #style, #explode, self::runtime::ParamShape::#shape)?)
}

/// `impl Default for #name` (a struct of `params`, one field each) when
/// every parameter is optional: the spec's defaults, `None` elsewhere.
pub(super) fn default_impl(name: &proc_macro2::Ident, params: &[ParamPlan<'_>]) -> Option<TokenStream> {
    params.iter().all(|p| !p.param.required).then(|| {
        let fields = params.iter().map(|p| {
            let field = ident(&p.param.name);
            let value = p.default.clone().unwrap_or_else(|| quote!(::std::option::Option::None));
            quote!(#field: #value,)
        });
        quote! {
            impl ::std::default::Default for #name {
                /// Every parameter absent: the spec's defaults, `None` elsewhere.
                fn default() -> Self {
                    #name { #(#fields)* }
                }
            }
        }
    })
}

/// Statements that check every constraint of `params` (decoded into `vars`)
/// and return `400 INVALID_PARAMETER` listing every violation.
pub(super) fn checks(api: &Api, params: &[ParamPlan<'_>], vars: &[proc_macro2::Ident], m: &TokenStream) -> TokenStream {
    let vars: Vec<String> = vars.iter().map(ToString::to_string).collect();
    stmt_text::tokens(&check_codes(api, params, &vars, &m.to_string().replace(' ', "")))
}

/// [`checks`] as text pieces, for the emitters that write text (`models`:
/// the models' path prefix as text).
pub(super) fn check_codes(api: &Api, params: &[ParamPlan<'_>], vars: &[String], models: &str) -> Vec<Code> {
    let mut statements = Vec::new();
    for (p, var) in params.iter().zip(vars) {
        let checks = super::super::validate::check_codes(api, &p.ty, "present", &lit(&p.param.wire_name), models);
        if checks.is_empty() {
            continue;
        }
        statements.push(if p.optional {
            Code::Block(format!("if let ::std::option::Option::Some(present) = &{var} {{"), checks)
        } else {
            let bind = Code::Fixed(format!("let present = &{var};"));
            Code::Block("{".to_owned(), std::iter::once(bind).chain(checks).collect())
        });
    }
    if statements.is_empty() {
        return Vec::new();
    }
    rejected_together(models, statements, "invalid_parameters")
}

/// `checks` (statements that push each violation they find to `out`) in
/// the block every handler runs over what it received: the violations are
/// gathered in `found` and rejected together by `Rejection::{rejection}`
/// (the parameters' [`check_codes`], and a JSON body's checks).
pub(super) fn rejected_together(models: &str, checks: Vec<Code>, rejection: &str) -> Vec<Code> {
    let gather = std::iter::once(Code::Fixed("let out = &mut found;".to_owned())).chain(checks).collect();
    let rejected = format!("return ::std::result::Result::Err(self::runtime::Rejection::{rejection}(&found));");
    vec![
        Code::Line(format!("let mut found: ::std::vec::Vec<{models}validation::Violation> = ::std::vec::Vec::new();")),
        Code::Block("{".to_owned(), gather),
        Code::Block("if !found.is_empty() {".to_owned(), vec![Code::Pretty(rejected)]),
    ]
}

fn default_value_text(p: &Parameter) -> Option<String> {
    if p.required {
        return None;
    }
    p.ty().default.as_ref().map(|v| v.to_string())
}

/// The default as a Rust expression of its type.
fn default_expr(default: &Default, m: &TokenStream) -> TokenStream {
    match default {
        Default::Int32(v) => Literal::i32_suffixed(*v).into_token_stream(),
        Default::Int64(v) => Literal::i64_suffixed(*v).into_token_stream(),
        Default::Float(v) => Literal::f32_suffixed(*v).into_token_stream(),
        Default::Double(v) => Literal::f64_suffixed(*v).into_token_stream(),
        Default::Bool(v) => quote!(#v),
        Default::String(v) => quote!(::std::string::String::from(#v)),
        // The plan parsed them: the `Option`s are `Some`.
        Default::DateTime { seconds, nanos } => {
            quote!(::chrono::DateTime::from_timestamp(#seconds, #nanos).unwrap_or_default())
        }
        Default::Date { year, month, day } => {
            quote!(::chrono::NaiveDate::from_ymd_opt(#year, #month, #day).unwrap_or_default())
        }
        Default::Array(items) => {
            let items = items.iter().map(|d| default_expr(d, m));
            quote!(::std::vec![#(#items),*])
        }
        Default::Variant { ty, variant } => {
            let (ty, variant) = (ident(ty), ident(variant));
            quote!(#m #ty::#variant)
        }
    }
}

//! An operation's `{Op}Query`: the struct of its optional parameters, with
//! `Default` and a builder-style setter per field, quoted
//! ([`OpPlan::query_struct`]) and written as text
//! ([`OpPlan::query_struct_text`], [`OpPlan::query_impl_text`]), byte for
//! byte the same, with the docs both give each field.

use proc_macro2::TokenStream;
use quote::quote;

use super::method_text::{push_docs, push_line};
use super::*;
use crate::emit::stmt_text::{self, surely_fits};
use crate::emit::text::{Fit, Lines, choose};

impl OpPlan<'_> {
    /// `{Op}Query`: the optional parameters, with `Default` and a builder-style setter per field.
    pub(super) fn query_struct(&self) -> TokenStream {
        let query = self.query_struct_name();
        let mut fields = Vec::new();
        let mut setters = Vec::new();
        for p in &self.optional {
            let name = p.name();
            let rust = &p.rust;
            let paragraphs = self.field_paragraphs(p);
            let docs = doc_lines(paragraphs.iter().map(String::as_str));
            fields.push(quote! {
                #docs
                pub #name: ::std::option::Option<#rust>,
            });
            let setter_doc = format!(" Sets [`{query}::{}`].", crate::naming::unraw(&p.p.name));
            setters.push(match p.wire {
                Wire::QueryArray { item_type, .. }
                | Wire::HeaderArray { item_type, .. }
                | Wire::CookieArray { item_type, .. } => {
                    let item_type = rust_type(item_type, self.models);
                    quote! {
                    #[doc = #setter_doc]
                    pub fn #name<I>(mut self, values: I) -> Self
                    where
                        I: ::std::iter::IntoIterator,
                        I::Item: ::std::convert::Into<#item_type>,
                    {
                        self.#name = ::std::option::Option::Some(values.into_iter().map(::std::convert::Into::into).collect());
                        self
                    }
                    }
                }
                _ => quote! {
                    #[doc = #setter_doc]
                    pub fn #name(mut self, value: impl ::std::convert::Into<#rust>) -> Self {
                        self.#name = ::std::option::Option::Some(value.into());
                        self
                    }
                },
            });
        }
        let doc = format!(" {}", self.query_doc());
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, Default, PartialEq)]
            pub struct #query {
                #(#fields)*
            }

            impl #query {
                #(#setters)*
            }
        }
    }

    /// The first line of `{Op}Query`'s docs.
    pub(super) fn query_doc(&self) -> String {
        format!(
            "The optional parameters of [`Client::{}`]; `None` leaves a parameter out.",
            crate::naming::unraw(&self.op.name)
        )
    }

    /// The paragraphs of the docs of `p`'s field in `{Op}Query`.
    pub(super) fn field_paragraphs(&self, p: &Param<'_>) -> Vec<String> {
        let mut paragraphs: Vec<String> = p.p.docs.iter().cloned().collect();
        paragraphs.extend(describe_constraints(&p.ty.constraints));
        if let Some(default) = &p.ty.default {
            paragraphs.push(format!("Default (applied by the server when absent): `{default}`."));
        }
        paragraphs.push(match &p.wire {
            Wire::Query(_) | Wire::Segment(_) | Wire::SegmentUnion { .. } => {
                format!("Sent as `{}=<value>`.", p.p.wire_name)
            }
            Wire::SegmentStyled { .. } | Wire::SegmentJson => "Sent in the path.".to_owned(),
            Wire::QueryNested { members: false } => format!(
                "Sent the `qs` way (OpenAPI defines no form for it): `{0}[key][inner]=value`, `{0}[key][0]=item`.",
                p.p.wire_name
            ),
            Wire::QueryNested { members: true } => {
                "Sent as one `key=value` per property, objects and arrays inside the `qs` way: `a=1&b[c]=2&l[0]=x`."
                    .to_owned()
            }
            Wire::HeaderStyled { explode: false } => {
                format!("Sent as the `{}` header, keys and values comma-separated: `k,v,k,v`.", p.p.wire_name)
            }
            Wire::HeaderJson => format!("Sent as the `{}` header, holding its JSON.", p.p.wire_name),
            Wire::HeaderStyled { explode: true } => {
                format!("Sent as the `{}` header: `k=v,k=v`.", p.p.wire_name)
            }
            Wire::QueryArray { explode: false, delimiter: Delimiter::Comma, .. } => {
                format!("Sent once, comma-separated: `{}=a,b`.", p.p.wire_name)
            }
            Wire::QueryArray { explode: false, delimiter: Delimiter::Space, .. } => {
                format!("Sent once, space-separated: `{}=a%20b` (items cannot contain a space).", p.p.wire_name)
            }
            Wire::QueryArray { explode: false, delimiter: Delimiter::Pipe, .. } => {
                format!("Sent once, pipe-separated: `{}=a|b` (items cannot contain `|`).", p.p.wire_name)
            }
            Wire::QueryDeep(_) => {
                format!("Sent as `{0}[key]=value` per property: `{0}[a]=1&{0}[b]=2`.", p.p.wire_name)
            }
            Wire::QueryUnion { .. } => format!(
                "Sent as the variant it holds: a scalar as `{0}=<value>`, a list as the style sends lists.",
                p.p.wire_name
            ),
            Wire::QueryArray { explode: true, .. } => {
                format!("Sent as one `{0}=` per item: `{0}=a&{0}=b`.", p.p.wire_name)
            }
            Wire::QueryJson => format!("Sent as URL-encoded JSON: `{}=%7B...%7D`.", p.p.wire_name),
            Wire::QueryValue { explode: true, .. } => {
                "Sent as one `key=value` per property or entry: `a=1&b=2`.".to_owned()
            }
            Wire::QueryValue { explode: false, delimiter, .. } => {
                let d = delimiter.char();
                format!("Sent once, keys and values joined: `{}=a{d}1{d}b{d}2`.", p.p.wire_name)
            }
            Wire::Header(_) => format!("Sent as the `{}` header.", p.p.wire_name),
            Wire::HeaderArray { .. } => format!("Sent as the `{}` header, comma-separated: `a,b`.", p.p.wire_name),
            Wire::Cookie(_) => format!("Sent as the cookie `{}=<value>`, percent-encoded.", p.p.wire_name),
            Wire::CookieArray { .. } => {
                format!("Sent as the cookie `{}=a,b`, each item percent-encoded.", p.p.wire_name)
            }
        });
        if p.p.deprecated {
            paragraphs.push("**Deprecated** in the spec.".to_owned());
        }
        paragraphs
    }

    /// `{Op}Query`'s definition.
    pub(super) fn query_struct_text(&self) -> Option<String> {
        let mut out = String::with_capacity(2048);
        let doc = [self.query_doc()];
        push_docs(&mut out, 0, &crate::emit::doc_text(doc.iter().map(String::as_str)));
        out.push_str("#[derive(Debug, Clone, Default, PartialEq)]\n");
        let name = &self.names.query;
        if !surely_fits(0, name.len() + 13) {
            return None;
        }
        out.push_str(&format!("pub struct {name} {{\n"));
        for p in &self.optional {
            let paragraphs = self.field_paragraphs(p);
            push_docs(&mut out, 4, &crate::emit::doc_text(paragraphs.iter().map(String::as_str)));
            let rust = self.ty(&p.ty);
            let flat = format!("pub {}: ::std::option::Option<{rust}>", p.p.name);
            match choose(4, flat.len() + 1) {
                Fit::Flat => push_line(&mut out, 4, &format!("{flat},")),
                Fit::Broken if Lines::fits(8, rust.len() + 1) => {
                    push_line(&mut out, 4, &format!("pub {}: ::std::option::Option<", p.p.name));
                    push_line(&mut out, 8, &format!("{rust},"));
                    push_line(&mut out, 4, ">,");
                }
                Fit::Broken => stmt_text::field(&mut out, &format!("{flat},"))?,
            }
        }
        out.push_str("}\n");
        Some(out)
    }

    /// `impl {Op}Query`: a setter per field.
    pub(super) fn query_impl_text(&self) -> Option<String> {
        let query = &self.names.query;
        let mut out = String::with_capacity(2048);
        if !surely_fits(0, query.len() + 7) {
            return None;
        }
        out.push_str(&format!("impl {query} {{\n"));
        for p in &self.optional {
            let name = &p.p.name;
            push_line(&mut out, 4, &format!("/// Sets [`{query}::{}`].", crate::naming::unraw(name)));
            let assign = |value: &str| format!("self.{name} = ::std::option::Option::Some({value});");
            match p.wire {
                Wire::QueryArray { item_type, .. }
                | Wire::HeaderArray { item_type, .. }
                | Wire::CookieArray { item_type, .. } => {
                    let item = self.ty(item_type);
                    let flat = format!(
                        "pub fn {name}<I>(mut self, values: I) -> Self where I: ::std::iter::IntoIterator, I::Item: \
                         ::std::convert::Into<{item}>, {{ {} self }}",
                        assign("values.into_iter().map(::std::convert::Into::into).collect()")
                    );
                    stmt_text::impl_item(&mut out, &flat)?;
                }
                _ => {
                    let rust = self.ty(&p.ty);
                    let value = format!("value: impl ::std::convert::Into<{rust}>");
                    let head = format!("pub fn {name}(mut self, {value}) -> Self {{");
                    let assign = assign("value.into()");
                    if !surely_fits(8, assign.len()) {
                        stmt_text::impl_item(&mut out, &format!("{head} {assign} self }}"))?;
                        continue;
                    }
                    // (The last parameter's comma is written only when broken.)
                    let broken_value = match choose(8, value.len()) {
                        Fit::Flat => vec![(8, format!("{value},"))],
                        Fit::Broken if Lines::fits(12, rust.len() + 1) => vec![
                            (8, "value: impl ::std::convert::Into<".to_owned()),
                            (12, format!("{rust},")),
                            (8, ">,".to_owned()),
                        ],
                        Fit::Broken => {
                            stmt_text::impl_item(&mut out, &format!("{head} {assign} self }}"))?;
                            continue;
                        }
                    };
                    if Lines::fits(4, head.len()) {
                        push_line(&mut out, 4, &head);
                    } else {
                        push_line(&mut out, 4, &format!("pub fn {name}("));
                        push_line(&mut out, 8, "mut self,");
                        for (indent, line) in broken_value {
                            push_line(&mut out, indent, &line);
                        }
                        push_line(&mut out, 4, ") -> Self {");
                    }
                    push_line(&mut out, 8, &assign);
                    push_line(&mut out, 8, "self");
                    push_line(&mut out, 4, "}");
                }
            }
        }
        out.push_str("}\n");
        Some(out)
    }
}

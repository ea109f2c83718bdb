//! How each parameter travels: the wire form of path, query, header and
//! cookie parameters (styles, `explode`, unions, `deepObject`, JSON
//! content), and the statements that encode and check them.

use proc_macro2::TokenStream;
use quote::quote;

use super::*;

impl Scalar {
    /// A function from `&T` to `String`.
    pub(super) fn function(self) -> TokenStream {
        match self {
            Scalar::DateTime => quote!(date_time),
            Scalar::Text | Scalar::Display => quote!(::std::string::ToString::to_string),
        }
    }

    /// An expression of type `String` for `value` (a `&T`).
    pub(super) fn to_string(self, value: &TokenStream) -> TokenStream {
        let function = self.function();
        quote!(#function(#value))
    }
}

pub(super) struct Param<'a> {
    pub(super) p: &'a Parameter,
    /// The parameter's type without `nullable` (a parameter has no null).
    pub(super) ty: Type,
    /// `rust_type(ty)`.
    pub(super) rust: TokenStream,
    pub(super) wire: &'a Wire,
    /// `allowReserved: true`: values keep reserved characters.
    pub(super) allow_reserved: bool,
    /// The path of the model types.
    pub(super) models: TokenStream,
}

impl<'a> Param<'a> {
    pub(super) fn new(op: &'a Operation, plan: &'a ClientParameter, models: &TokenStream) -> Self {
        Param {
            p: &op.parameters[plan.index],
            ty: plan.ty.clone(),
            rust: rust_type(&plan.ty, models),
            wire: &plan.wire,
            allow_reserved: plan.allow_reserved,
            models: models.clone(),
        }
    }

    /// The field name in the query struct.
    pub(super) fn name(&self) -> proc_macro2::Ident {
        ident(&self.p.name)
    }

    /// The argument name: the parameter's, unless the method body uses it
    /// for a local (argument names are not part of a Rust function's API).
    pub(super) fn arg(&self) -> proc_macro2::Ident {
        ident(&crate::plan::client::argument_name(&self.p.name))
    }

    /// Whether the method checks the value as a path segment (`check_segment`).
    pub(super) fn checks_segment(&self) -> bool {
        matches!(self.wire, Wire::Segment(Scalar::Text))
    }
}

/// Statements adding a parameter to `query_string`; `value` is a `&T`.
pub(super) fn query_push(p: &Param<'_>, value: TokenStream) -> Option<TokenStream> {
    let push = push_wire(&p.p.wire_name, p.wire, value, &p.models)?;
    Some(if p.allow_reserved {
        quote! {
            query_string.set_allow_reserved(true);
            #push
            query_string.set_allow_reserved(false);
        }
    } else {
        push
    })
}

/// Statements adding `value` (a `&T`) to `query_string` as `wire` says.
pub(super) fn push_wire(wire_name: &str, wire: &Wire, value: TokenStream, m: &TokenStream) -> Option<TokenStream> {
    Some(match wire {
        Wire::Segment(_)
        | Wire::SegmentUnion { .. }
        | Wire::Header(_)
        | Wire::HeaderArray { .. }
        | Wire::Cookie(_)
        | Wire::CookieArray { .. }
        | Wire::SegmentStyled { .. }
        | Wire::SegmentJson
        | Wire::HeaderStyled { .. }
        | Wire::HeaderJson => return None,
        Wire::QueryNested { members } => {
            let push = if *members {
                quote!(push_nested_members(&mut query_string, &json);)
            } else {
                quote!(push_nested(&mut query_string, #wire_name, &json);)
            };
            quote! {
                let json = ::serde_json::to_value(#value).map_err(Error::Encode)?;
                #push
            }
        }
        Wire::Query(scalar) => match scalar {
            Scalar::Text => quote!(query_string.push(#wire_name, #value);),
            _ => {
                let text = scalar.to_string(&value);
                quote!(query_string.push(#wire_name, &#text);)
            }
        },
        Wire::QueryArray { item, explode, delimiter, .. } => {
            let text = item.to_string(&quote!(item));
            let function = item.function();
            if *explode {
                quote! {
                    for item in #value {
                        query_string.push(#wire_name, &#text);
                    }
                }
            } else {
                let delimiter = delimiter.encoded();
                let iter = iter(&value);
                quote! {
                    let items: ::std::vec::Vec<::std::string::String> = #iter.map(#function).collect();
                    query_string.push_joined(#wire_name, &items, #delimiter);
                }
            }
        }
        Wire::QueryDeep(deep) => {
            let text = |scalar: Scalar, item: TokenStream| match scalar {
                Scalar::Text => item,
                _ => {
                    let text = scalar.to_string(&item);
                    quote!(&#text)
                }
            };
            match deep {
                Deep::Map(scalar) => {
                    let text = text(*scalar, quote!(item));
                    quote! {
                        for (key, item) in #value {
                            query_string.push_deep(#wire_name, key, #text);
                        }
                    }
                }
                Deep::Struct { fields, others } => {
                    let mut pushes = Vec::new();
                    for (field, key, scalar, optional) in fields {
                        let field = ident(field);
                        if *optional {
                            let text = text(*scalar, quote!(item));
                            pushes.push(quote! {
                                if let ::std::option::Option::Some(item) = &object.#field {
                                    query_string.push_deep(#wire_name, #key, #text);
                                }
                            });
                        } else {
                            let text = text(*scalar, quote!(&object.#field));
                            pushes.push(quote!(query_string.push_deep(#wire_name, #key, #text);));
                        }
                    }
                    if let Some((field, scalar)) = others {
                        let field = ident(field);
                        let text = text(*scalar, quote!(item));
                        pushes.push(quote! {
                            for (key, item) in &object.#field {
                                query_string.push_deep(#wire_name, key, #text);
                            }
                        });
                    }
                    quote!({ let object = #value; #(#pushes)* })
                }
            }
        }
        Wire::QueryUnion { union, arms } => {
            let rust = rust_type(union, m);
            let arms = arms.iter().map(|(variant, wire)| {
                let push = push_wire(wire_name, wire, quote!(value), m);
                let variant = ident(variant);
                quote!(#rust::#variant(value) => { #push })
            });
            quote!(match #value { #(#arms)* })
        }
        Wire::QueryValue { explode, delimiter } => {
            let delimiter = delimiter.char();
            quote! {
                let json = ::serde_json::to_value(#value).map_err(Error::Encode)?;
                query_string.push_value(#wire_name, &json, #explode, #delimiter)?;
            }
        }
        Wire::QueryJson => {
            quote! {
                let json = ::serde_json::to_string(#value).map_err(Error::Encode)?;
                query_string.push(#wire_name, &json);
            }
        }
    })
}

/// Statements adding a header or cookie parameter to `headers` (a
/// `HeaderParams`); `value` is a `&T`.
pub(super) fn header_push(p: &Param<'_>, value: TokenStream) -> Option<TokenStream> {
    let wire_name = &p.p.wire_name;
    if let Wire::HeaderStyled { explode } = p.wire {
        return Some(quote! {
            let json = ::serde_json::to_value(#value).map_err(Error::Encode)?;
            headers.header(#wire_name, &styled_text(#wire_name, &json, "simple", #explode, false));
        });
    }
    if let Wire::HeaderJson = p.wire {
        return Some(quote! {
            let json = ::serde_json::to_string(#value).map_err(Error::Encode)?;
            headers.header(#wire_name, &json);
        });
    }
    let (scalar, add) = match &p.wire {
        Wire::Header(scalar) => (*scalar, quote!(header)),
        Wire::HeaderArray { item, .. } => (*item, quote!(header_list)),
        Wire::Cookie(scalar) => (*scalar, quote!(cookie)),
        Wire::CookieArray { item, .. } => (*item, quote!(cookie_list)),
        // Path and query parameters.
        _ => return None,
    };
    let list = matches!(p.wire, Wire::HeaderArray { .. } | Wire::CookieArray { .. });
    Some(if list {
        let function = scalar.function();
        quote! {
            let items: ::std::vec::Vec<::std::string::String> = #value.iter().map(#function).collect();
            headers.#add(#wire_name, &items);
        }
    } else if scalar == Scalar::Text {
        quote!(headers.#add(#wire_name, #value);)
    } else {
        let text = scalar.to_string(&value);
        quote!(headers.#add(#wire_name, &#text);)
    })
}

/// Checks that the items of a `form`/`spaceDelimited`/`pipeDelimited` list
/// sent in one value do not contain the delimiter (`value` is a `&T`).
pub(super) fn delimiter_checks(
    wire: &Wire,
    value: TokenStream,
    wire_name: &str,
    m: &TokenStream,
) -> Option<TokenStream> {
    match wire {
        Wire::QueryArray { item, guard: true, delimiter, .. } => {
            let function = item.function();
            let character = delimiter.char();
            let style = delimiter.style().spec_name();
            let iter = iter(&value);
            Some(quote!(check_delimited(#iter.map(#function), #character, #style, #wire_name, out);))
        }
        Wire::QueryUnion { union, arms } => {
            let rust = rust_type(union, m);
            let checked: Vec<TokenStream> = arms
                .iter()
                .filter_map(|(variant, wire)| {
                    let check = delimiter_checks(wire, quote!(value), wire_name, m)?;
                    let variant = ident(variant);
                    Some(quote!(#rust::#variant(value) => { #check }))
                })
                .collect();
            if checked.is_empty() {
                return None;
            }
            let rest = (checked.len() < arms.len()).then(|| quote!(_ => {}));
            Some(quote!(match #value { #(#checked)* #rest }))
        }
        _ => None,
    }
}

/// An iterator over the items of `value` (a `&Vec<T>` or `&[T]` expression):
/// `value.iter()` for a plain name, else `IntoIterator::into_iter(&...)`
/// (`&arg.iter()` would borrow the iterator).
pub(super) fn iter(value: &TokenStream) -> TokenStream {
    let mut tokens = value.clone().into_iter();
    match (tokens.next(), tokens.next()) {
        (Some(proc_macro2::TokenTree::Ident(_)), None) => quote!(#value.iter()),
        _ => quote!(::std::iter::IntoIterator::into_iter(#value)),
    }
}

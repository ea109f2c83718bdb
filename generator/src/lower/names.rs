//! Rust names that must be distinct within one namespace of the IR (the
//! fields of a struct, the parameters of an operation), told apart by the
//! one renaming rule, [`crate::naming::disambiguate`], instead of failing.

use crate::ir::{Field, Location, Parameter};
use crate::naming::disambiguate;

/// Properties that become the same Rust field name (`error` and `Error`).
pub(super) fn distinct_field_names(fields: &mut [Field]) {
    let wanted: Vec<(String, String)> = fields.iter().map(|f| (f.name.clone(), f.wire_name.clone())).collect();
    for (field, name) in fields.iter_mut().zip(disambiguate(&wanted, &[])) {
        field.name = name;
    }
}

/// Parameters that become the same Rust name (`id` in the path and in the
/// query, `page-size` beside `page_size`): ordered by location (path,
/// query, header, cookie), then by spec name.
pub(super) fn distinct_parameter_names(parameters: &mut [Parameter]) {
    let order = |location: Location| match location {
        Location::Path => 0,
        Location::Query => 1,
        Location::Header => 2,
        Location::Cookie => 3,
    };
    let wanted: Vec<(String, String)> =
        parameters.iter().map(|p| (p.name.clone(), format!("{}{}", order(p.location), p.wire_name))).collect();
    for (parameter, name) in parameters.iter_mut().zip(disambiguate(&wanted, &[])) {
        parameter.name = name;
    }
}

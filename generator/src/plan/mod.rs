//! The plan: decisions about the generated code that both emitters read,
//! made from the IR before a token is written.

pub mod security;

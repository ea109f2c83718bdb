//! Versioned schema migrations as a list of SQL steps (PostgreSQL's; the
//! SQLite store's upgrades, which also run Rust, are in `sqlite/schema.rs`
//! under the same rules).
//!
//! A list of [`Migration`]s is numbered from 1 without gaps; a database
//! records the last version applied (PostgreSQL: the table
//! `schema_migrations`; SQLite: `PRAGMA user_version`). At start the store
//! applies every later step, in the transaction that records it, and
//! refuses a database whose version is newer than it knows
//! ([`StoreError::SchemaTooNew`]): an older binary must not write into a
//! schema it does not know.

use super::StoreError;

/// One step of a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    pub version: i64,
    pub description: &'static str,
    pub sql: &'static str,
}

/// The version the last step of `steps` makes.
pub fn latest(steps: &[Migration]) -> i64 {
    steps.last().map_or(0, |step| step.version)
}

/// The steps a database at version `found` still needs, or the refusal of a
/// database newer than `steps` know.
pub fn pending(steps: &'static [Migration], found: i64) -> Result<&'static [Migration], StoreError> {
    let supported = latest(steps);
    if found > supported {
        return Err(StoreError::SchemaTooNew { found, supported });
    }
    Ok(&steps[steps.iter().take_while(|step| step.version <= found).count()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEPS: &[Migration] =
        &[Migration { version: 1, description: "one", sql: "" }, Migration { version: 2, description: "two", sql: "" }];

    #[test]
    fn pending_steps_follow_the_version_found() {
        assert_eq!(pending(STEPS, 0).unwrap().len(), 2);
        assert_eq!(pending(STEPS, 1).unwrap()[0].version, 2);
        assert!(pending(STEPS, 2).unwrap().is_empty());
        assert!(matches!(pending(STEPS, 3), Err(StoreError::SchemaTooNew { found: 3, supported: 2 })));
    }

    #[test]
    fn every_list_counts_from_one_without_gaps() {
        for (index, step) in super::super::postgres::MIGRATIONS.iter().enumerate() {
            assert_eq!(step.version, index as i64 + 1, "{}", step.description);
        }
    }
}

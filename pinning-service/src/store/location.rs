//! Where the pins are stored: the value of `--db`.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use url::Url;

/// `--db`: a `postgres://` (or `postgresql://`) URL selects PostgreSQL; a
/// `sqlite:` URL (`sqlite:pins.db`, `sqlite:///var/lib/pins.db`) or a plain
/// path selects an SQLite file.
#[derive(Clone, PartialEq, Eq)]
pub enum DbLocation {
    Sqlite(PathBuf),
    Postgres(String),
}

impl FromStr for DbLocation {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err("empty database location".to_owned());
        }
        let scheme = text.split_once(':').map(|(scheme, _)| scheme.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("postgres" | "postgresql") => {
                let url = Url::parse(text).map_err(|error| format!("not a PostgreSQL URL: {error}"))?;
                if url.host_str().is_none_or(str::is_empty) && !url.query_pairs().any(|(key, _)| key == "host") {
                    return Err(
                        "a PostgreSQL URL needs a host (postgres://user:password@host:port/database)".to_owned()
                    );
                }
                Ok(DbLocation::Postgres(text.to_owned()))
            }
            Some("sqlite") => {
                let rest = &text["sqlite:".len()..];
                // `sqlite://relative.db` and `sqlite:///absolute.db`, like sqlx; no options.
                let path = rest.strip_prefix("//").unwrap_or(rest);
                let path = path.split_once('?').map_or(path, |(path, _)| path);
                if path.is_empty() {
                    return Err("a sqlite: URL needs a file path (sqlite:pins.db)".to_owned());
                }
                Ok(DbLocation::Sqlite(PathBuf::from(path)))
            }
            _ => Ok(DbLocation::Sqlite(PathBuf::from(text))),
        }
    }
}

impl fmt::Display for DbLocation {
    /// The location without a password (for logs and start-up lines).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbLocation::Sqlite(path) => write!(f, "{}", path.display()),
            DbLocation::Postgres(url) => match Url::parse(url) {
                Ok(mut url) => {
                    if url.password().is_some() {
                        let _ = url.set_password(Some("***"));
                    }
                    let query: Vec<(String, String)> = url
                        .query_pairs()
                        .map(|(key, value)| {
                            let value = if key == "password" { "***".into() } else { value.into_owned() };
                            (key.into_owned(), value)
                        })
                        .collect();
                    if !query.is_empty() {
                        url.query_pairs_mut().clear().extend_pairs(query);
                    }
                    write!(f, "{url}")
                }
                Err(_) => f.write_str("postgres://(unreadable URL)"),
            },
        }
    }
}

impl fmt::Debug for DbLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DbLocation({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<DbLocation, String> {
        text.parse()
    }

    #[test]
    fn paths_and_sqlite_urls_are_sqlite_files() {
        assert_eq!(parse("pinning-service.db"), Ok(DbLocation::Sqlite("pinning-service.db".into())));
        assert_eq!(parse("/var/lib/pins.db"), Ok(DbLocation::Sqlite("/var/lib/pins.db".into())));
        assert_eq!(parse("sqlite:pins.db"), Ok(DbLocation::Sqlite("pins.db".into())));
        assert_eq!(parse("sqlite://pins.db"), Ok(DbLocation::Sqlite("pins.db".into())));
        assert_eq!(parse("sqlite:///var/lib/pins.db"), Ok(DbLocation::Sqlite("/var/lib/pins.db".into())));
        assert_eq!(parse("sqlite:pins.db?mode=rwc"), Ok(DbLocation::Sqlite("pins.db".into())));
        assert!(parse("sqlite:").is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn postgres_urls_select_postgres_and_hide_their_password() {
        let url = "postgres://pinner:s3cret@db.example:5432/pins?sslmode=disable";
        assert_eq!(parse(url), Ok(DbLocation::Postgres(url.to_owned())));
        let shown = parse(url).unwrap().to_string();
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("db.example:5432/pins"), "{shown}");
        let in_query = parse("postgresql://db.example/pins?user=u&password=hidden").unwrap();
        assert!(matches!(in_query, DbLocation::Postgres(_)));
        assert!(!in_query.to_string().contains("hidden"), "{in_query}");
        assert!(!format!("{in_query:?}").contains("hidden"));
        assert!(parse("postgres://").is_err());
        assert!(parse("postgres:nothing").is_err());
    }
}

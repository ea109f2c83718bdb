//! CID validation (`Pin.cid`, and the `cid` filter of `GET /pins`).
//!
//! The `cid` crate does the decoding; on top of it this module is strict
//! about the text: `Cid::try_from(&str)` also accepts `…/ipfs/<cid>` paths
//! and ignores bytes after the multihash, and neither is a CID.

use cid::Cid;
use cid::multibase::Base;

/// Why a string is not a CID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CidError {
    #[error("is empty; expected a CID (v0 `Qm…` or v1 `bafy…`)")]
    Empty,
    #[error("`{text}` is not a CID: {reason}")]
    Invalid { text: String, reason: String },
}

/// Parses `text` as a CIDv0 or CIDv1 in any multibase, accepting nothing else.
pub fn parse(text: &str) -> Result<Cid, CidError> {
    if text.is_empty() {
        return Err(CidError::Empty);
    }
    let invalid = |reason: String| CidError::Invalid { text: shorten(text), reason };
    let bytes = if cid::Version::is_v0_str(text) {
        Base::Base58Btc.decode(text)
    } else {
        cid::multibase::decode(text).map(|(_, bytes)| bytes)
    }
    .map_err(|error| invalid(error.to_string()))?;
    let mut rest = bytes.as_slice();
    let cid = Cid::read_bytes(&mut rest).map_err(|error| invalid(error.to_string()))?;
    if !rest.is_empty() {
        return Err(invalid(format!("{} unexpected byte(s) after the multihash", rest.len())));
    }
    Ok(cid)
}

/// Error messages quote the input, but never more than 100 characters of it.
fn shorten(text: &str) -> String {
    const MAX: usize = 100;
    match text.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_v0_and_v1_in_several_bases() {
        for text in [
            "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",
            "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
            "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
            // The same CIDv1 in base36 and base16.
            "k2jmtxw8rjh1z69c6not3wtdxb0u3urbzhyll1t9jg6ox26dhi5sfi1m",
            "f01701220c3c4733ec8affd06cf9e9ff50ffc6bcd2ec85a6170004bb709669c31de94391a",
        ] {
            let cid = parse(text).unwrap_or_else(|error| panic!("{text}: {error}"));
            assert!(cid.to_bytes().len() >= 34, "{text}");
        }
    }

    #[test]
    fn v0_and_v1_of_the_same_content_decode_to_the_same_hash() {
        let v0 = parse("QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR").unwrap();
        let v1 = parse("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi").unwrap();
        assert_eq!(v0.version(), cid::Version::V0);
        assert_eq!(v1.version(), cid::Version::V1);
        assert_eq!(v0.hash(), v1.hash());
        assert_eq!(v0.into_v1().unwrap(), v1);
    }

    #[test]
    fn refuses_everything_else() {
        for text in [
            "QmCIDToBePinned",
            "not a cid",
            "Qm",
            "/ipfs/QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",
            "junk/ipfs/QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",
            " QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",
            "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzd",
            // A valid CIDv1 with two more bytes after its multihash.
            "f01701220c3c4733ec8affd06cf9e9ff50ffc6bcd2ec85a6170004bb709669c31de94391a0000",
        ] {
            let error = parse(text).expect_err(text);
            assert!(matches!(error, CidError::Invalid { .. }), "{text}: {error}");
        }
        assert_eq!(parse(""), Err(CidError::Empty));
    }

    #[test]
    fn error_messages_quote_at_most_100_characters() {
        let long = "x".repeat(5000);
        let message = parse(&long).unwrap_err().to_string();
        assert!(message.len() < 300, "{message}");
        assert!(message.contains(&"x".repeat(100)));
    }
}

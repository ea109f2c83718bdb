//! CID validation (`Pin.cid`, and the `cid` filter of `GET /pins`), and the
//! canonical form CIDs are compared by.
//!
//! The `cid` crate does the decoding; on top of it this module is strict
//! about the text: `Cid::try_from(&str)` also accepts `…/ipfs/<cid>` paths
//! and ignores bytes after the multihash, and neither is a CID.
//!
//! One CID has many spellings: CIDv0 `Qm…` is CIDv1 dag-pb `bafy…`, and a
//! CIDv1 may be written in any multibase (`bafy…` base32, `f01…` base16,
//! `k…` base36, `z…` base58). The service keeps the text a client sent (it
//! is echoed back in `Pin.cid`) and beside it the [`key`]: the CIDv1 in
//! lower-case base32. The `cid` filter, the worker's per-CID locks and the
//! reference counting of backend pins compare keys.

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

/// The canonical form of a CID: CIDv1 (a CIDv0 becomes dag-pb v1) in
/// lower-case base32 (`bafy…`, `bafk…`).
pub fn canonical(cid: &Cid) -> String {
    let v1 = match cid.version() {
        cid::Version::V0 => Cid::new_v1(DAG_PB, *cid.hash()),
        cid::Version::V1 => *cid,
    };
    v1.to_string_of_base(Base::Base32Lower).unwrap_or_else(|_| v1.to_string())
}

/// The canonical form of the CID `text`; `text` itself when it is not a CID
/// (the service only stores CIDs it has parsed, so this is for robustness).
pub fn key(text: &str) -> String {
    parse(text).map_or_else(|_| text.to_owned(), |cid| canonical(&cid))
}

/// The dag-pb codec, which every CIDv0 implies.
const DAG_PB: u64 = 0x70;

/// Error messages quote the input, but never more than 100 characters of it.
pub fn shorten(text: &str) -> String {
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
    fn every_spelling_of_a_cid_has_one_key() {
        let key = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
        for spelling in [
            key,
            "QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR",
            "f01701220c3c4733ec8affd06cf9e9ff50ffc6bcd2ec85a6170004bb709669c31de94391a",
            "F01701220C3C4733EC8AFFD06CF9E9FF50FFC6BCD2EC85A6170004BB709669C31DE94391A",
            "BAFYBEIGDYRZT5SFP7UDM7HU76UH7Y26NF3EFUYLQABF3OCLGTQY55FBZDI",
            "k2jmtxw8rjh1z69c6not3wtdxb0u3urbzhyll1t9jg6ox26dhi5sfi1m",
        ] {
            assert_eq!(self::key(spelling), key, "{spelling}");
        }
        // Another codec of the same hash is another CID.
        assert_ne!(self::key("bafkreigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"), key);
        assert_eq!(self::key("not a cid"), "not a cid");
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

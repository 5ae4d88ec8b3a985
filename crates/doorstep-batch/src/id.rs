//! Surveyor and device ids, as file names and signatures use them.

use super::BatchError;

/// A surveyor or device id: it is used in file names and in the signature's
/// trusted comment, so only a conservative set of characters is allowed.
pub fn validate_id(what: &str, id: &str) -> Result<(), BatchError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id.as_bytes()[0].is_ascii_alphanumeric()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(BatchError::InvalidId {
            what: what.to_string(),
            id: id.to_string(),
        })
    }
}

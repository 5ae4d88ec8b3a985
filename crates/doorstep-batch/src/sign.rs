//! Minisign signatures, made deterministically.
//!
//! The minisign crate's `sign` mixes 64 random bytes into each Ed25519
//! nonce, so signing the same file twice gives two different `.minisig`
//! files. Batches must be rewritable byte for byte (`export --again`), so we
//! build the signature ourselves with plain RFC 8032 Ed25519 (deterministic)
//! over minisign's prehashed form: the signed message is the BLAKE2b-512 of
//! the file (algorithm `ED`), and the "global" signature covers the file
//! signature followed by the trusted comment. Stock `minisign -V` and the
//! crate's `verify` both accept these (tested).

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer};
use uuid::Uuid;

use super::keys::{KeyId, PublicKey, SigningKey};

const UNTRUSTED_PREFIX: &str = "untrusted comment: ";
const TRUSTED_PREFIX: &str = "trusted comment: ";
/// Signature over the BLAKE2b-512 prehash of the file.
const SIGALG_PREHASHED: &[u8; 2] = b"ED";
/// Signature over the raw file (minisign's legacy mode; not accepted).
const SIGALG_LEGACY: &[u8; 2] = b"Ed";

/// What the signature's trusted comment says about the batch. It is signed,
/// so once the signature verifies these facts are the signer's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedComment {
    pub version: u64,
    pub batch_id: Uuid,
    pub surveyor_id: String,
    pub device_id: String,
    pub sequence: u64,
    pub encrypted: bool,
    /// Size of the signed file, so a truncation is named as such.
    pub bytes: u64,
    /// SHA-256 of the signed file (the `.age` file when encrypted).
    pub sha256: String,
}

impl fmt::Display for TrustedComment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "doorstep format={} version={} batch={} surveyor={} device={} seq={} encrypted={} bytes={} sha256={}",
            super::format::FORMAT,
            self.version,
            self.batch_id,
            self.surveyor_id,
            self.device_id,
            self.sequence,
            if self.encrypted { "yes" } else { "no" },
            self.bytes,
            self.sha256
        )
    }
}

/// Why a trusted comment could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommentProblem {
    NotDoorstep,
    UnsupportedVersion(u64),
    Malformed(String),
}

impl TrustedComment {
    pub fn parse(s: &str) -> Result<Self, CommentProblem> {
        let mut words = s.split(' ');
        if words.next() != Some("doorstep") {
            return Err(CommentProblem::NotDoorstep);
        }
        let mut fields = std::collections::BTreeMap::new();
        for w in words {
            let (k, v) = w
                .split_once('=')
                .ok_or_else(|| CommentProblem::Malformed(format!("\"{w}\" is not key=value")))?;
            if fields.insert(k, v).is_some() {
                return Err(CommentProblem::Malformed(format!("\"{k}\" appears twice")));
            }
        }
        let get = |k: &str| {
            fields
                .get(k)
                .copied()
                .ok_or_else(|| CommentProblem::Malformed(format!("no {k}=")))
        };
        let num = |k: &str| -> Result<u64, CommentProblem> {
            get(k)?
                .parse()
                .map_err(|_| CommentProblem::Malformed(format!("{k}= is not a number")))
        };
        if get("format")? != super::format::FORMAT {
            return Err(CommentProblem::NotDoorstep);
        }
        let version = num("version")?;
        if version != super::format::VERSION as u64 {
            return Err(CommentProblem::UnsupportedVersion(version));
        }
        let tc = TrustedComment {
            version,
            batch_id: get("batch")?
                .parse()
                .map_err(|_| CommentProblem::Malformed("batch= is not a UUID".into()))?,
            surveyor_id: get("surveyor")?.to_string(),
            device_id: get("device")?.to_string(),
            sequence: num("seq")?,
            encrypted: match get("encrypted")? {
                "yes" => true,
                "no" => false,
                _ => return Err(CommentProblem::Malformed("encrypted= is not yes/no".into())),
            },
            bytes: num("bytes")?,
            sha256: get("sha256")?.to_string(),
        };
        if tc.sha256.len() != 64 || !tc.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(CommentProblem::Malformed(
                "sha256= is not 64 hex digits".into(),
            ));
        }
        Ok(tc)
    }
}

/// A parsed `.minisig` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinisignSignature {
    pub untrusted_comment: String,
    pub key_id: KeyId,
    pub signature: [u8; 64],
    pub trusted_comment: String,
    pub global_signature: [u8; 64],
}

impl MinisignSignature {
    /// The file text, in the one spelling doorstep writes.
    pub fn to_text(&self) -> String {
        let mut sig = Vec::with_capacity(74);
        sig.extend_from_slice(SIGALG_PREHASHED);
        sig.extend_from_slice(&self.key_id.0);
        sig.extend_from_slice(&self.signature);
        format!(
            "{UNTRUSTED_PREFIX}{}\n{}\n{TRUSTED_PREFIX}{}\n{}\n",
            self.untrusted_comment,
            B64.encode(sig),
            self.trusted_comment,
            B64.encode(self.global_signature)
        )
    }

    /// Reads a `.minisig` file; the error says what is wrong.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let text = std::str::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
        let mut lines = text.split('\n');
        let mut next = |what: &str| {
            lines
                .next()
                .map(|l| l.strip_suffix('\r').unwrap_or(l))
                .ok_or_else(|| format!("{what} is missing"))
        };
        let untrusted = next("line 1 (untrusted comment)")?
            .strip_prefix(UNTRUSTED_PREFIX)
            .ok_or("line 1 should start with \"untrusted comment: \"")?
            .to_string();
        let sig_line = next("line 2 (signature)")?;
        let sig = B64
            .decode(sig_line.trim())
            .map_err(|_| "line 2 (signature) is not valid base64".to_string())?;
        if sig.len() != 74 {
            return Err(format!(
                "line 2 decodes to {} bytes, a signature has 74",
                sig.len()
            ));
        }
        if &sig[..2] == SIGALG_LEGACY {
            return Err("legacy (non-prehashed) minisign signature: not accepted".into());
        }
        if &sig[..2] != SIGALG_PREHASHED {
            return Err("unknown signature algorithm".into());
        }
        let trusted = next("line 3 (trusted comment)")?
            .strip_prefix(TRUSTED_PREFIX)
            .ok_or("line 3 should start with \"trusted comment: \"")?
            .to_string();
        let global = B64
            .decode(next("line 4 (comment signature)")?.trim())
            .map_err(|_| "line 4 (comment signature) is not valid base64".to_string())?;
        if global.len() != 64 {
            return Err(format!(
                "line 4 decodes to {} bytes, a signature has 64",
                global.len()
            ));
        }
        let mut key_id = [0u8; 8];
        key_id.copy_from_slice(&sig[2..10]);
        let mut signature = [0u8; 64];
        signature.copy_from_slice(&sig[10..]);
        let mut global_signature = [0u8; 64];
        global_signature.copy_from_slice(&global);
        Ok(MinisignSignature {
            untrusted_comment: untrusted,
            key_id: KeyId(key_id),
            signature,
            trusted_comment: trusted,
            global_signature,
        })
    }

    /// Does `key` verify (the file's prehash, the trusted comment)?
    pub fn check(&self, key: &PublicKey, prehash: &[u8; 64]) -> (bool, bool) {
        let file_ok = key
            .key
            .verify_strict(prehash, &Signature::from_bytes(&self.signature))
            .is_ok();
        let comment_ok = key
            .key
            .verify_strict(
                &global_message(&self.signature, &self.trusted_comment),
                &Signature::from_bytes(&self.global_signature),
            )
            .is_ok();
        (file_ok, comment_ok)
    }
}

/// The untrusted comment doorstep writes (deterministic, so any change to
/// it is noticed even though minisign does not sign it).
pub fn untrusted_comment(surveyor_id: &str, key_id: KeyId) -> String {
    format!("doorstep batch signature, surveyor {surveyor_id}, key {key_id}")
}

fn global_message(signature: &[u8; 64], trusted_comment: &str) -> Vec<u8> {
    let mut m = Vec::with_capacity(64 + trusted_comment.len());
    m.extend_from_slice(signature);
    m.extend_from_slice(trusted_comment.as_bytes());
    m
}

/// BLAKE2b-512, minisign's prehash (SIMD implementation: it is most of
/// the cost of checking a large batch).
pub fn prehash(data: &[u8]) -> [u8; 64] {
    let mut out = [0u8; 64];
    out.copy_from_slice(blake2b_simd::blake2b(data).as_bytes());
    out
}

/// Signs `data` with `trusted_comment`, deterministically.
pub fn sign(key: &SigningKey, data: &[u8], trusted_comment: &str) -> MinisignSignature {
    sign_prehashed(key, &prehash(data), trusted_comment)
}

/// `sign`, given the file's `prehash` (computed while the file was
/// written).
pub fn sign_prehashed(
    key: &SigningKey,
    prehash: &[u8; 64],
    trusted_comment: &str,
) -> MinisignSignature {
    let signature = key.key.sign(prehash).to_bytes();
    let global_signature = key
        .key
        .sign(&global_message(&signature, trusted_comment))
        .to_bytes();
    MinisignSignature {
        untrusted_comment: untrusted_comment(&key.surveyor_id, key.key_id),
        key_id: key.key_id,
        signature,
        trusted_comment: trusted_comment.to_string(),
        global_signature,
    }
}

//! Surveyor signing keys in minisign's file formats, and the supervisor's
//! folder of trusted public keys.
//!
//! Files (see docs/batch-format.md):
//! - `DIR/keys/<SURVEYOR>.key`: minisign secret key, mode 0600 from creation,
//!   scrypt-encrypted unless created without a password;
//! - `DIR/keys/<SURVEYOR>.pub`: minisign public key, the file the supervisor
//!   copies into the trusted-keys folder (one `<SURVEYOR>.pub` per surveyor).
//!
//! The minisign crate generates, encrypts and decrypts the keys. The key
//! material itself is then held by `ed25519-dalek`, because the crate's
//! `sign` adds random noise to every signature and batches must be signed
//! deterministically (see `sign.rs`).

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use super::BatchError;
pub use super::id::validate_id;
use crate::fsutil::{AtomicOptions, write_atomic_with};

/// Minisign's fixed-size fields.
const KEYNUM_BYTES: usize = 8;
const PUBLIC_KEY_FILE_BYTES: usize = 2 + KEYNUM_BYTES + 32;
/// sig_alg, kdf_alg, chk_alg, salt, opslimit, memlimit, keynum, sk, chk.
const SECRET_KEY_FILE_BYTES: usize = 2 + 2 + 2 + 32 + 8 + 8 + KEYNUM_BYTES + 64 + 32;
const SK_OFFSET: usize = 2 + 2 + 2 + 32 + 8 + 8 + KEYNUM_BYTES;
const UNTRUSTED_PREFIX: &str = "untrusted comment: ";

/// The 8-byte minisign key id, shown as minisign shows it (16 upper-case hex
/// digits of the little-endian number).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub [u8; KEYNUM_BYTES]);

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016X}", u64::from_le_bytes(self.0))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

/// A surveyor's public key, as read from a minisign `.pub` file.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    pub surveyor_id: String,
    pub key_id: KeyId,
    pub(crate) key: ed25519_dalek::VerifyingKey,
    pub path: Option<PathBuf>,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({} {})", self.surveyor_id, self.key_id)
    }
}

/// The key bytes of a minisign key file: an untrusted comment line, then
/// the base64 key of `len` bytes starting with "Ed". `kind` ("public" or
/// "secret") and `hint` go into the messages.
fn key_file_bytes(
    lines: &mut std::str::Lines<'_>,
    kind: &str,
    len: usize,
    hint: &str,
    bad: &dyn Fn(&str) -> BatchError,
) -> Result<Vec<u8>, BatchError> {
    let comment = lines.next().ok_or_else(|| bad("the file is empty"))?;
    if !comment.starts_with(UNTRUSTED_PREFIX) {
        return Err(bad("line 1 should start with \"untrusted comment: \""));
    }
    let encoded = lines
        .next()
        .ok_or_else(|| bad(&format!("line 2 (the base64 {kind} key) is missing")))?
        .trim();
    let bytes = B64
        .decode(encoded)
        .map_err(|_| bad("line 2 is not valid base64"))?;
    if bytes.len() != len {
        return Err(bad(&format!(
            "line 2 decodes to {} bytes, a minisign {kind} key has {len} ({hint})",
            bytes.len()
        )));
    }
    if &bytes[..2] != b"Ed" {
        return Err(bad(&format!("not an Ed25519 minisign {kind} key")));
    }
    Ok(bytes)
}

impl PublicKey {
    /// Parses minisign's public key file text (an untrusted comment line,
    /// then the base64 key). `origin` names the file in errors.
    pub fn parse(surveyor_id: &str, text: &str, origin: &Path) -> Result<Self, BatchError> {
        let bad = |what: &str| BatchError::BadKeyFile {
            path: origin.to_path_buf(),
            what: what.to_string(),
        };
        let mut lines = text.lines();
        let bytes = key_file_bytes(
            &mut lines,
            "public",
            PUBLIC_KEY_FILE_BYTES,
            "is this a secret key or a signature?",
            &bad,
        )?;
        if lines.any(|l| !l.trim().is_empty()) {
            return Err(bad("unexpected text after the key"));
        }
        let mut key_id = [0u8; KEYNUM_BYTES];
        key_id.copy_from_slice(&bytes[2..2 + KEYNUM_BYTES]);
        let mut pk = [0u8; 32];
        pk.copy_from_slice(&bytes[2 + KEYNUM_BYTES..]);
        let key = ed25519_dalek::VerifyingKey::from_bytes(&pk)
            .map_err(|_| bad("the key is not a valid Ed25519 point"))?;
        Ok(PublicKey {
            surveyor_id: surveyor_id.to_string(),
            key_id: KeyId(key_id),
            key,
            path: Some(origin.to_path_buf()),
        })
    }

    /// Reads `SURVEYOR.pub`; the surveyor id is the file stem.
    pub fn from_file(path: &Path) -> Result<Self, BatchError> {
        let surveyor = surveyor_from_file_name(path, "pub")?;
        let text = doorstep_core::fs::read_regular_string(
            path,
            doorstep_core::fs::limits::SMALL_FILE,
            "a key file",
        )?;
        Self::parse(&surveyor, &text, path)
    }

    /// The minisign public key file text, with a comment naming the surveyor.
    pub fn to_file_text(&self) -> String {
        let mut bytes = Vec::with_capacity(PUBLIC_KEY_FILE_BYTES);
        bytes.extend_from_slice(b"Ed");
        bytes.extend_from_slice(&self.key_id.0);
        bytes.extend_from_slice(self.key.as_bytes());
        format!(
            "{UNTRUSTED_PREFIX}doorstep surveyor {} minisign public key {}\n{}\n",
            self.surveyor_id,
            self.key_id,
            B64.encode(bytes)
        )
    }
}

fn surveyor_from_file_name(path: &Path, ext: &str) -> Result<String, BatchError> {
    let bad = |what: String| BatchError::BadKeyFile {
        path: path.to_path_buf(),
        what,
    };
    if path.extension().and_then(|e| e.to_str()) != Some(ext) {
        return Err(bad(format!(
            "a key file must be named SURVEYOR_ID.{ext} (the name gives the surveyor)"
        )));
    }
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or_else(|| bad("the file name is not valid UTF-8".into()))?;
    validate_id("surveyor id", stem).map_err(|_| {
        bad(format!(
            "\"{stem}\" is not a valid surveyor id (letters, digits, '.', '_', '-'; at most 64)"
        ))
    })?;
    Ok(stem.to_string())
}

/// A decrypted signing key. Its Debug output never shows key material.
pub struct SigningKey {
    pub surveyor_id: String,
    pub key_id: KeyId,
    pub(crate) key: ed25519_dalek::SigningKey,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey({} {})", self.surveyor_id, self.key_id)
    }
}

impl SigningKey {
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            surveyor_id: self.surveyor_id.clone(),
            key_id: self.key_id,
            key: self.key.verifying_key(),
            path: None,
        }
    }

    /// Loads `SURVEYOR.key` (the surveyor id is the file stem). Refuses a
    /// file that group or others may read, as ssh does. `password` is asked
    /// only when the key is encrypted; the CLI prompts (or reads
    /// `DOORSTEP_KEY_PASSWORD`), tests pass it directly.
    pub fn load(
        path: &Path,
        password: impl FnOnce(&Path) -> io::Result<String>,
    ) -> Result<Self, BatchError> {
        let surveyor = surveyor_from_file_name(path, "key")?;
        check_private_mode(path)?;
        let text = doorstep_core::fs::read_regular_string(
            path,
            doorstep_core::fs::limits::SMALL_FILE,
            "a key file",
        )?;
        Self::parse(&surveyor, &text, path, password)
    }

    /// Parses minisign secret key file text. Both encrypted keys and the
    /// CLI's unencrypted `minisign -G -W` keys are read (the crate's
    /// `SecretKey::from_file` reads only the former).
    pub fn parse(
        surveyor_id: &str,
        text: &str,
        origin: &Path,
        password: impl FnOnce(&Path) -> io::Result<String>,
    ) -> Result<Self, BatchError> {
        let bad = |what: &str| BatchError::BadKeyFile {
            path: origin.to_path_buf(),
            what: what.to_string(),
        };
        let mut lines = text.lines();
        let bytes = key_file_bytes(
            &mut lines,
            "secret",
            SECRET_KEY_FILE_BYTES,
            "is this a public key?",
            &bad,
        )?;
        let surveyor = surveyor_id;
        match &bytes[2..4] {
            // Unencrypted (`minisign -G -W`, `keygen --no-password`): read
            // directly. The minisign 0.11 CLI writes an all-zero checksum
            // for these keys, which the crate rejects; we accept a zero or
            // a correct checksum, and check the key itself either way.
            [0, 0] => {
                let bytes = Zeroizing(bytes);
                let chk = &bytes.0[SK_OFFSET + 64..];
                if chk.iter().any(|b| *b != 0) && chk != checksum(&bytes.0).as_slice() {
                    return Err(bad(
                        "the key's checksum does not match: the file is corrupted",
                    ));
                }
                Self::from_parts(surveyor, &bytes.0)
                    .map_err(|_| bad("the key is inconsistent: the file is corrupted"))
            }
            b"Sc" => {
                let sk_box =
                    minisign::SecretKeyBox::from_string(text).map_err(|_| bad("unreadable"))?;
                let pw = password(origin).map_err(|e| BatchError::Password {
                    path: origin.to_path_buf(),
                    what: e.to_string(),
                })?;
                let sk = sk_box.into_secret_key(Some(pw)).map_err(|e| {
                    if matches!(e.kind(), minisign::ErrorKind::Verify) {
                        BatchError::Password {
                            path: origin.to_path_buf(),
                            what: "wrong password for this key".into(),
                        }
                    } else {
                        bad("the key could not be decrypted (unsupported parameters)")
                    }
                })?;
                // `to_bytes` is the file layout with the secret part
                // decrypted.
                let bytes = Zeroizing(sk.to_bytes());
                Self::from_parts(surveyor, &bytes.0).map_err(|_| bad("the key is inconsistent"))
            }
            _ => Err(bad("unknown key encryption algorithm")),
        }
    }

    /// From the (decrypted) secret key file layout: the 64-byte Ed25519 key
    /// is the 32-byte seed then the public key, which must match.
    fn from_parts(surveyor_id: &str, bytes: &[u8]) -> Result<Self, ()> {
        let mut key_id = [0u8; KEYNUM_BYTES];
        key_id.copy_from_slice(&bytes[SK_OFFSET - KEYNUM_BYTES..SK_OFFSET]);
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&bytes[SK_OFFSET..SK_OFFSET + 32]);
        let key = ed25519_dalek::SigningKey::from_bytes(&seed);
        seed.fill(0);
        if key.verifying_key().as_bytes()[..] != bytes[SK_OFFSET + 32..SK_OFFSET + 64] {
            return Err(());
        }
        Ok(SigningKey {
            surveyor_id: surveyor_id.to_string(),
            key_id: KeyId(key_id),
            key,
        })
    }
}

/// minisign's key checksum: BLAKE2b-256 of sig_alg, key id and secret key.
fn checksum(bytes: &[u8]) -> [u8; 32] {
    let mut st = blake2b_simd::Params::new().hash_length(32).to_state();
    st.update(&bytes[..2]);
    st.update(&bytes[SK_OFFSET - KEYNUM_BYTES..SK_OFFSET + 64]);
    let mut out = [0u8; 32];
    out.copy_from_slice(st.finalize().as_bytes());
    out
}

/// Wipes a buffer of key bytes when dropped.
struct Zeroizing(Vec<u8>);
impl Drop for Zeroizing {
    fn drop(&mut self) {
        self.0.iter_mut().for_each(|b| *b = 0);
    }
}

#[cfg(unix)]
fn check_private_mode(path: &Path) -> Result<(), BatchError> {
    use std::os::unix::fs::PermissionsExt;
    let meta = fs::metadata(path).map_err(|e| BatchError::io(path, e))?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(BatchError::KeyPermissions {
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private_mode(_path: &Path) -> Result<(), BatchError> {
    Ok(())
}

/// Where `keygen` puts a surveyor's keys under the data directory.
pub fn key_paths(dir: &Path, surveyor_id: &str) -> (PathBuf, PathBuf) {
    let keys = dir.join("keys");
    (
        keys.join(format!("{surveyor_id}.key")),
        keys.join(format!("{surveyor_id}.pub")),
    )
}

/// What `keygen` made.
#[derive(Debug, Clone)]
pub struct GeneratedKey {
    pub secret_key_path: PathBuf,
    pub public_key_path: PathBuf,
    pub key_id: KeyId,
    /// The public key file's text, for printing.
    pub public_key_text: String,
}

/// Creates `DIR/keys/SURVEYOR.key` (0600, encrypted with `password` unless
/// it is `None`) and `DIR/keys/SURVEYOR.pub`. Refuses to replace an
/// existing key unless `force`.
pub fn keygen(
    dir: &Path,
    surveyor_id: &str,
    password: Option<&str>,
    force: bool,
) -> Result<GeneratedKey, BatchError> {
    validate_id("surveyor id", surveyor_id)?;
    let (sk_path, pk_path) = key_paths(dir, surveyor_id);
    let keys_dir = sk_path.parent().expect("keys dir");
    create_private_dir(keys_dir)?;
    if !force {
        for p in [&sk_path, &pk_path] {
            if p.exists() {
                return Err(BatchError::KeyExists { path: p.clone() });
            }
        }
    }
    let pair = match password {
        Some(pw) => minisign::KeyPair::generate_encrypted_keypair(Some(pw.to_string())),
        None => minisign::KeyPair::generate_unencrypted_keypair(),
    }
    .map_err(|e| BatchError::Crypto(format!("key generation failed: {e}")))?;
    let comment = format!(
        "doorstep surveyor {surveyor_id} minisign secret key{}",
        if password.is_some() {
            " (encrypted)"
        } else {
            " (NOT encrypted)"
        }
    );
    let sk_text = pair
        .sk
        .to_box(Some(&comment))
        .map_err(|e| BatchError::Crypto(format!("key encoding failed: {e}")))?
        .into_string();
    // Read back through our own loader: proves the file will load, and gives
    // the public half in our types.
    let signing = SigningKey::parse(surveyor_id, &sk_text, &sk_path, |_| {
        Ok(password.unwrap_or_default().to_string())
    })?;
    let public = signing.public_key();
    let pk_text = public.to_file_text();

    write_new_file(&sk_path, sk_text.as_bytes(), 0o600, force)?;
    write_new_file(&pk_path, pk_text.as_bytes(), 0o644, force)?;
    Ok(GeneratedKey {
        secret_key_path: sk_path,
        public_key_path: pk_path,
        key_id: public.key_id,
        public_key_text: pk_text,
    })
}

fn create_private_dir(dir: &Path) -> Result<(), BatchError> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir).map_err(|e| BatchError::io(dir, e))
}

/// Writes a key file through a temporary file created with its final mode
/// (never briefly world-readable), then renames it into place.
fn write_new_file(path: &Path, bytes: &[u8], mode: u32, force: bool) -> Result<(), BatchError> {
    let options = AtomicOptions {
        mode: Some(mode),
        replace: force,
    };
    write_atomic_with(path, bytes, options).map_err(|e| BatchError::io(path, e))
}

/// The supervisor's folder of trusted surveyor keys: one `SURVEYOR.pub`
/// each. Other files are ignored; a malformed `.pub` is an error naming it.
#[derive(Debug, Clone, Default)]
pub struct TrustedKeys {
    by_surveyor: BTreeMap<String, PublicKey>,
}

impl TrustedKeys {
    pub fn load(dir: &Path) -> Result<Self, BatchError> {
        let entries = fs::read_dir(dir).map_err(|e| BatchError::io(dir, e))?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("pub"))
            .collect();
        paths.sort();
        if paths.is_empty() {
            return Err(BatchError::NoTrustedKeys {
                dir: dir.to_path_buf(),
            });
        }
        let mut keys = TrustedKeys::default();
        for p in paths {
            keys.insert(PublicKey::from_file(&p)?)?;
        }
        Ok(keys)
    }

    /// Adds a key; two surveyors may not share one key.
    pub fn insert(&mut self, key: PublicKey) -> Result<(), BatchError> {
        if let Some(other) = self.by_surveyor.values().find(|k| k.key_id == key.key_id) {
            return Err(BatchError::BadKeyFile {
                path: key.path.clone().unwrap_or_default(),
                what: format!(
                    "key id {} is already the key of surveyor {}",
                    key.key_id, other.surveyor_id
                ),
            });
        }
        self.by_surveyor.insert(key.surveyor_id.clone(), key);
        Ok(())
    }

    pub fn get(&self, surveyor_id: &str) -> Option<&PublicKey> {
        self.by_surveyor.get(surveyor_id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &PublicKey> {
        self.by_surveyor.values()
    }

    pub fn len(&self) -> usize {
        self.by_surveyor.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_surveyor.is_empty()
    }
}

//! Writing a batch atomically: temporary files in the output folder, fsync,
//! rename (signature first, data last), fsync of the folder.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use uuid::Uuid;

use super::BatchError;
use super::format::{BatchContent, BatchCounts};
use super::keys::SigningKey;
use super::sign::{self, TrustedComment};
use crate::fsutil::{remove_if_exists, signature_path, sync_dir, write_synced};
use doorstep_core::questionnaire::hex_sha256;

/// The steps of `write_batch`, in order. A hook sees each step just after it
/// is done and can fail it, to simulate a crash or an I/O error there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum WriteStep {
    /// `.NAME.tmp` holds the whole data file and is fsynced.
    DataTempSynced,
    /// `.NAME.minisig.tmp` holds the whole signature and is fsynced.
    SignatureTempSynced,
    /// The signature was renamed to `NAME.minisig`.
    SignatureRenamed,
    /// The data was renamed to `NAME` (the batch is now complete on disk).
    DataRenamed,
    /// The folder was fsynced: the renames survive a power cut.
    DirSynced,
}

/// Where a batch went and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WrittenBatch {
    /// `...jsonl` or `...jsonl.age`.
    pub data_path: PathBuf,
    /// `<data_path>.minisig`.
    pub signature_path: PathBuf,
    pub batch_id: Uuid,
    pub sequence: u64,
    pub encrypted: bool,
    /// SHA-256 of the signed file (the encrypted file when encrypted).
    pub sha256: String,
    /// SHA-256 of the JSON Lines plaintext (equal to `sha256` when not
    /// encrypted): the same for every rewrite of the same content.
    pub plaintext_sha256: String,
    pub bytes: u64,
    pub counts: BatchCounts,
}

/// Parses an `age1...` X25519 recipient.
pub fn parse_recipient(s: &str) -> Result<age::x25519::Recipient, BatchError> {
    s.trim().parse().map_err(|e: &str| BatchError::Recipient {
        recipient: s.to_string(),
        what: e.to_string(),
    })
}

/// Writes `content` to `dir` as a signed batch; see `write_batch_with_hook`.
pub fn write_batch(
    dir: &Path,
    content: &BatchContent,
    key: &SigningKey,
    encrypt_to: &[age::x25519::Recipient],
) -> Result<WrittenBatch, BatchError> {
    write_batch_with_hook(dir, content, key, encrypt_to, &mut |_| Ok(()))
}

/// Everything is built in memory first (JSON Lines, optional age encryption,
/// signature); then the two files are written to temporary names in `dir`,
/// fsynced, renamed signature first and data last, and `dir` is fsynced.
/// On error, temporary files are removed and so are any final files this
/// call had renamed into place: nothing partial is left. After a crash
/// (no chance to clean up) only `.*.tmp` files can be left; `verify`
/// ignores them and the next `write_batch` of the same batch removes them.
pub fn write_batch_with_hook(
    dir: &Path,
    content: &BatchContent,
    key: &SigningKey,
    encrypt_to: &[age::x25519::Recipient],
    hook: &mut dyn FnMut(WriteStep) -> io::Result<()>,
) -> Result<WrittenBatch, BatchError> {
    if key.surveyor_id != content.surveyor_id {
        return Err(BatchError::InvalidContent(format!(
            "the batch is surveyor {}'s but the key is surveyor {}'s",
            content.surveyor_id, key.surveyor_id
        )));
    }
    let plaintext = content.to_jsonl()?;
    let plaintext_sha256 = hex_sha256(&plaintext);
    let encrypted = !encrypt_to.is_empty();
    let data = if encrypted {
        encrypt(&plaintext, encrypt_to)?
    } else {
        plaintext
    };
    let sha256 = if encrypted {
        hex_sha256(&data)
    } else {
        plaintext_sha256.clone()
    };
    let tc = TrustedComment {
        version: super::format::VERSION as u64,
        batch_id: content.batch_id,
        surveyor_id: content.surveyor_id.clone(),
        device_id: content.device_id.clone(),
        sequence: content.sequence,
        encrypted,
        bytes: data.len() as u64,
        sha256: sha256.clone(),
    };
    let signature = sign::sign(key, &data, &tc.to_string()).to_text();

    let mut name = content.file_name();
    if encrypted {
        name.push_str(".age");
    }
    let data_path = dir.join(&name);
    let sig_path = signature_path(&data_path);
    let data_tmp = dir.join(format!(".{name}.tmp"));
    let sig_tmp = dir.join(format!(".{name}.minisig.tmp"));

    let mut renamed: Vec<&Path> = Vec::new();
    let result = (|| -> io::Result<()> {
        // Leftovers of a crashed earlier attempt at this same batch.
        for t in [&data_tmp, &sig_tmp] {
            remove_if_exists(t)?;
        }
        write_synced(&data_tmp, &data, None)?;
        hook(WriteStep::DataTempSynced)?;
        write_synced(&sig_tmp, signature.as_bytes(), None)?;
        hook(WriteStep::SignatureTempSynced)?;
        fs::rename(&sig_tmp, &sig_path)?;
        renamed.push(&sig_path);
        hook(WriteStep::SignatureRenamed)?;
        fs::rename(&data_tmp, &data_path)?;
        renamed.push(&data_path);
        hook(WriteStep::DataRenamed)?;
        sync_dir(dir)?;
        hook(WriteStep::DirSynced)?;
        Ok(())
    })();
    if let Err(e) = result {
        for p in [&data_tmp, &sig_tmp] {
            let _ = fs::remove_file(p);
        }
        for p in renamed {
            let _ = fs::remove_file(p);
        }
        let _ = sync_dir(dir);
        return Err(BatchError::io(&data_path, e));
    }
    Ok(WrittenBatch {
        data_path,
        signature_path: sig_path,
        batch_id: content.batch_id,
        sequence: content.sequence,
        encrypted,
        sha256,
        plaintext_sha256,
        bytes: data.len() as u64,
        counts: content.counts(),
    })
}

fn encrypt(plaintext: &[u8], to: &[age::x25519::Recipient]) -> Result<Vec<u8>, BatchError> {
    let crypto = |e: &dyn std::fmt::Display| BatchError::Crypto(format!("age encryption: {e}"));
    let encryptor = age::Encryptor::with_recipients(to.iter().map(|r| r as &dyn age::Recipient))
        .map_err(|e| crypto(&e))?;
    let mut out = Vec::with_capacity(plaintext.len() + plaintext.len() / 64 + 512);
    let mut w = encryptor.wrap_output(&mut out).map_err(|e| crypto(&e))?;
    w.write_all(plaintext).map_err(|e| crypto(&e))?;
    w.finish().map_err(|e| crypto(&e))?;
    Ok(out)
}

/// The supervisor's age identities (`--identity FILE`, as made by
/// `age-keygen`).
pub struct Identities(Vec<Box<dyn age::Identity + Send + Sync>>);

impl std::fmt::Debug for Identities {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Identities({})", self.0.len())
    }
}

impl Identities {
    pub fn from_file(path: &Path) -> Result<Self, BatchError> {
        let bad = |what: String| BatchError::BadKeyFile {
            path: path.to_path_buf(),
            what,
        };
        let bytes = doorstep_core::fs::read_regular(
            path,
            doorstep_core::fs::limits::SMALL_FILE,
            "an age identity file",
        )?;
        let file = age::IdentityFile::from_buffer(&bytes[..])
            .map_err(|e| bad(format!("not an age identity file: {e}")))?;
        let ids = file
            .into_identities()
            .map_err(|e| bad(format!("unusable identity: {e}")))?;
        if ids.is_empty() {
            return Err(bad("no identity in the file".into()));
        }
        Ok(Identities(ids))
    }

    pub fn from_x25519(id: age::x25519::Identity) -> Self {
        Identities(vec![Box::new(id)])
    }

    /// Decrypts an `.age` batch file's bytes.
    pub fn decrypt(&self, ciphertext: &[u8]) -> Result<Vec<u8>, String> {
        let d = age::Decryptor::new_buffered(ciphertext).map_err(|e| e.to_string())?;
        let mut r = d
            .decrypt(self.0.iter().map(|i| i.as_ref() as &dyn age::Identity))
            .map_err(|e| e.to_string())?;
        let mut out = Vec::with_capacity(ciphertext.len());
        io::Read::read_to_end(&mut r, &mut out).map_err(|e| e.to_string())?;
        Ok(out)
    }
}

/// Decrypts the `.age` batch at `path` with the identity file `identity`.
pub fn decrypt_batch_file(path: &Path, identity: &Path) -> Result<Vec<u8>, BatchError> {
    let ids = Identities::from_file(identity)?;
    let bytes = doorstep_core::fs::read_regular(path, doorstep_core::fs::limits::BATCH, "a batch")?;
    ids.decrypt(&bytes)
        .map_err(|e| BatchError::Crypto(format!("{}: {e}", path.display())))
}

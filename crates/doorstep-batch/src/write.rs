//! Writing a batch atomically: temporary files in the output folder, fsync,
//! rename (signature first, data last), fsync of the folder.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use uuid::Uuid;

use super::BatchError;
use super::format::{
    BatchContent, BatchCounts, BatchHeader, BatchInterview, QuestionnaireRef, RecordLines,
    VisitRecord, push_line,
};
use super::keys::SigningKey;
use super::sign::{self, TrustedComment};
use crate::digest::{CHUNK, DigestsOnThreads, FileDigests, hex};
use crate::fsutil::{remove_if_exists, signature_path, sync_dir, write_synced};
use sha2::{Digest, Sha256};

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

/// Writes a batch held in memory: its records sorted, then through
/// [`BatchWriter`] (the bytes are those of `BatchContent::to_jsonl`).
pub fn write_batch_with_hook(
    dir: &Path,
    content: &BatchContent,
    key: &SigningKey,
    encrypt_to: &[age::x25519::Recipient],
    hook: &mut dyn FnMut(WriteStep) -> io::Result<()>,
) -> Result<WrittenBatch, BatchError> {
    let mut w = BatchWriter::create(dir, content.header(), key, encrypt_to)?;
    let (visits, interviews) = content.sorted_records();
    for v in visits {
        w.visit(v)?;
    }
    for i in interviews {
        w.interview(i)?;
    }
    w.finish_with_hook(hook)
}

/// Writes a batch as a stream, whatever its size, in constant memory: the
/// caller gives the visits, then the interviews, each in file order (see
/// `RecordLines`); their lines go to a hidden body file `.NAME.body.tmp`
/// as they come. `finish` then writes the data file (manifest line, then
/// the body; age-encrypted when recipients are given) to `.NAME.tmp`,
/// hashing it on the way (BLAKE2b-512 for the signature, SHA-256 for the
/// trusted comment), fsyncs it, writes the signature to
/// `.NAME.minisig.tmp`, fsyncs that, renames signature first and data
/// last, and fsyncs `dir`.
///
/// On error (or when the writer is dropped unfinished), temporary files are
/// removed and so are any final files this call had renamed into place:
/// nothing partial is left. After a crash (no chance to clean up) only
/// `.*.tmp` files can be left; `verify` ignores them and the next write of
/// the same batch removes them.
pub struct BatchWriter<'a> {
    dir: PathBuf,
    header: BatchHeader,
    key: &'a SigningKey,
    encrypt_to: &'a [age::x25519::Recipient],
    name: String,
    body_tmp: PathBuf,
    body: Option<io::BufWriter<fs::File>>,
    lines: RecordLines,
    line: Vec<u8>,
}

impl<'a> BatchWriter<'a> {
    /// Starts the batch `header` in `dir` (which must exist), signed with
    /// `key` (the header's surveyor's).
    pub fn create(
        dir: &Path,
        header: BatchHeader,
        key: &'a SigningKey,
        encrypt_to: &'a [age::x25519::Recipient],
    ) -> Result<Self, BatchError> {
        if key.surveyor_id != header.surveyor_id {
            return Err(BatchError::InvalidContent(format!(
                "the batch is surveyor {}'s but the key is surveyor {}'s",
                header.surveyor_id, key.surveyor_id
            )));
        }
        header.validate()?;
        let mut name = header.file_name();
        if !encrypt_to.is_empty() {
            name.push_str(".age");
        }
        let paths = TempPaths::new(dir, &name);
        // Leftovers of a crashed earlier attempt at this same batch.
        for t in [&paths.data, &paths.sig, &paths.body] {
            remove_if_exists(t).map_err(|e| BatchError::io(t, e))?;
        }
        let body = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&paths.body)
            .map_err(|e| BatchError::io(&paths.body, e))?;
        Ok(BatchWriter {
            dir: dir.to_path_buf(),
            header,
            key,
            encrypt_to,
            name,
            body_tmp: paths.body,
            body: Some(io::BufWriter::with_capacity(CHUNK, body)),
            lines: RecordLines::new(),
            line: Vec::with_capacity(64 << 10),
        })
    }

    /// The manifest's questionnaires, when they are known only once the
    /// records are written (before `finish`).
    pub fn set_questionnaires(&mut self, questionnaires: Vec<QuestionnaireRef>) {
        self.header.questionnaires = questionnaires;
    }

    /// The next visit (all visits come before the interviews).
    pub fn visit(&mut self, v: &VisitRecord) -> Result<(), BatchError> {
        self.line.clear();
        self.lines.visit(&mut self.line, v)?;
        self.write_line()
    }

    /// The next interview (the batch's surveyor's: the key signs only
    /// its own surveyor's work).
    pub fn interview(&mut self, i: &BatchInterview) -> Result<(), BatchError> {
        if i.surveyor_id != self.header.surveyor_id {
            return Err(BatchError::InvalidContent(format!(
                "interview {} is surveyor {}'s, the batch is surveyor {}'s",
                i.id, i.surveyor_id, self.header.surveyor_id
            )));
        }
        self.line.clear();
        self.lines.interview(&mut self.line, i)?;
        self.write_line()
    }

    fn write_line(&mut self) -> Result<(), BatchError> {
        let body = self.body.as_mut().expect("the body is open until finish");
        body.write_all(&self.line)
            .map_err(|e| BatchError::io(&self.body_tmp, e))
    }

    /// Writes, signs and renames into place; see the type's description.
    pub fn finish(self) -> Result<WrittenBatch, BatchError> {
        self.finish_with_hook(&mut |_| Ok(()))
    }

    /// `finish`, with a hook that sees each step just after it is done and
    /// can fail it, to simulate a crash or an I/O error there.
    pub fn finish_with_hook(
        mut self,
        hook: &mut dyn FnMut(WriteStep) -> io::Result<()>,
    ) -> Result<WrittenBatch, BatchError> {
        let counts = self.lines.counts().clone();
        let mut manifest = Vec::with_capacity(1024);
        push_line(&mut manifest, &self.header.manifest(counts.clone()))?;
        let body = self
            .body
            .take()
            .expect("the body is open until finish")
            .into_inner()
            .map_err(|e| BatchError::io(&self.body_tmp, e.into_error()))?;
        let encrypted = !self.encrypt_to.is_empty();
        let data_path = self.dir.join(&self.name);
        let sig_path = signature_path(&data_path);
        let paths = TempPaths::new(&self.dir, &self.name);
        let dir = self.dir.clone();

        let mut renamed: Vec<&Path> = Vec::new();
        let mut result = (|| -> Result<WrittenBatch, BatchError> {
            let io_err = |e| BatchError::io(&data_path, e);
            let file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&paths.data)
                .map_err(io_err)?;
            let hashed = if encrypted {
                encrypt_copy(&manifest, body, &self.body_tmp, file, self.encrypt_to)?
            } else {
                let mut out = Hashing::new(file);
                copy_body(&manifest, body, &self.body_tmp, &mut out, &mut |_| {})?;
                out.done()
            };
            let (file, data_sums, plaintext_sha256) = hashed;
            file.sync_all().map_err(io_err)?;
            drop(file);
            let _ = fs::remove_file(&self.body_tmp);
            hook(WriteStep::DataTempSynced).map_err(io_err)?;
            let tc = TrustedComment {
                version: super::format::VERSION as u64,
                batch_id: self.header.batch_id,
                surveyor_id: self.header.surveyor_id.clone(),
                device_id: self.header.device_id.clone(),
                sequence: self.header.sequence,
                encrypted,
                bytes: data_sums.bytes,
                sha256: data_sums.sha256.clone(),
            };
            let signature =
                sign::sign_prehashed(self.key, &data_sums.prehash, &tc.to_string()).to_text();
            write_synced(&paths.sig, signature.as_bytes(), None).map_err(io_err)?;
            hook(WriteStep::SignatureTempSynced).map_err(io_err)?;
            fs::rename(&paths.sig, &sig_path).map_err(io_err)?;
            renamed.push(&sig_path);
            hook(WriteStep::SignatureRenamed).map_err(io_err)?;
            fs::rename(&paths.data, &data_path).map_err(io_err)?;
            renamed.push(&data_path);
            hook(WriteStep::DataRenamed).map_err(io_err)?;
            sync_dir(&dir).map_err(io_err)?;
            hook(WriteStep::DirSynced).map_err(io_err)?;
            Ok(WrittenBatch {
                data_path: data_path.clone(),
                signature_path: sig_path.clone(),
                batch_id: self.header.batch_id,
                sequence: self.header.sequence,
                encrypted,
                plaintext_sha256: plaintext_sha256.unwrap_or_else(|| data_sums.sha256.clone()),
                sha256: data_sums.sha256,
                bytes: data_sums.bytes,
                counts: counts.clone(),
            })
        })();
        if result.is_err() {
            for p in [&paths.data, &paths.sig, &self.body_tmp] {
                let _ = fs::remove_file(p);
            }
            for p in renamed {
                let _ = fs::remove_file(p);
            }
            let _ = sync_dir(&dir);
            if let Err(BatchError::Io { path, .. }) = &mut result {
                // Errors say which batch, whichever temporary file failed.
                *path = data_path.clone();
            }
        }
        result
    }
}

impl Drop for BatchWriter<'_> {
    fn drop(&mut self) {
        // Unfinished (an error on the way): the body goes.
        if self.body.take().is_some() {
            let _ = fs::remove_file(&self.body_tmp);
        }
    }
}

/// The temporary files of batch `name` in `dir`.
struct TempPaths {
    data: PathBuf,
    sig: PathBuf,
    body: PathBuf,
}

impl TempPaths {
    fn new(dir: &Path, name: &str) -> Self {
        TempPaths {
            data: dir.join(format!(".{name}.tmp")),
            sig: dir.join(format!(".{name}.minisig.tmp")),
            body: dir.join(format!(".{name}.body.tmp")),
        }
    }
}

/// A writer that hashes what goes through it (`DigestsOnThreads`: the
/// hashes run beside the writing).
struct Hashing<W> {
    inner: W,
    digests: DigestsOnThreads,
}

impl<W: Write> Hashing<W> {
    fn new(inner: W) -> Self {
        Hashing {
            inner,
            digests: DigestsOnThreads::start(),
        }
    }

    fn done(self) -> (W, FileDigests, Option<String>) {
        (self.inner, self.digests.finish(), None)
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.digests.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes the manifest line, then the body file from its start, to `out`;
/// `plain` sees every plaintext chunk.
fn copy_body(
    manifest: &[u8],
    mut body: fs::File,
    body_path: &Path,
    out: &mut dyn Write,
    plain: &mut dyn FnMut(&[u8]),
) -> Result<(), BatchError> {
    use std::io::{Read, Seek, SeekFrom};
    let out_err = |e: io::Error| BatchError::Io {
        path: PathBuf::new(),
        error: e,
    };
    plain(manifest);
    out.write_all(manifest).map_err(out_err)?;
    body.seek(SeekFrom::Start(0))
        .map_err(|e| BatchError::io(body_path, e))?;
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match body.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(BatchError::io(body_path, e)),
        };
        plain(&buf[..n]);
        out.write_all(&buf[..n]).map_err(out_err)?;
    }
    out.flush().map_err(out_err)
}

/// `copy_body` through age encryption: the sums are the encrypted file's,
/// with the plaintext's SHA-256.
fn encrypt_copy(
    manifest: &[u8],
    body: fs::File,
    body_path: &Path,
    file: fs::File,
    to: &[age::x25519::Recipient],
) -> Result<(fs::File, FileDigests, Option<String>), BatchError> {
    let crypto = |e: &dyn std::fmt::Display| BatchError::Crypto(format!("age encryption: {e}"));
    let encryptor = age::Encryptor::with_recipients(to.iter().map(|r| r as &dyn age::Recipient))
        .map_err(|e| crypto(&e))?;
    let out = Hashing::new(io::BufWriter::with_capacity(CHUNK, file));
    let mut w = encryptor.wrap_output(out).map_err(|e| crypto(&e))?;
    let mut plain_sha = Sha256::new();
    copy_body(manifest, body, body_path, &mut w, &mut |b| {
        plain_sha.update(b)
    })?;
    let out = w.finish().map_err(|e| crypto(&e))?;
    let (buffered, sums, _) = out.done();
    let file = buffered.into_inner().map_err(|e| BatchError::Io {
        path: PathBuf::new(),
        error: e.into_error(),
    })?;
    Ok((file, sums, Some(hex(&plain_sha.finalize()))))
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

    /// A reader of the plaintext of the encrypted batch `r` reads.
    pub fn decrypt_reader<R: io::BufRead>(&self, r: R) -> Result<impl io::Read, String> {
        let d = age::Decryptor::new_buffered(r).map_err(|e| e.to_string())?;
        d.decrypt(self.0.iter().map(|i| i.as_ref() as &dyn age::Identity))
            .map_err(|e| e.to_string())
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

//! The digests a batch file is known by, computed beside the work that
//! writes or reads it: BLAKE2b-512 (minisign's prehash, what the signature
//! covers), SHA-256 (the trusted comment's and the store's name for the
//! bytes) and the byte count.
//!
//! For a 100 MB batch the two hashes are a large share of `export`'s and
//! `verify`'s work, so each runs on a thread of its own. The bytes go over
//! in shared chunks of about `CHUNK` through short queues, so only a few
//! chunks are held whatever the file's size. Where a thread cannot be
//! started, that hash is computed on the caller's thread: the same digest.

use std::sync::Arc;
use std::sync::mpsc;
use std::thread;

use sha2::{Digest, Sha256};

/// How much is gathered before it goes to the hashing threads: large
/// enough that the hand-over costs nothing next to hashing it.
pub(crate) const CHUNK: usize = 1 << 20;

/// What the bytes given to [`DigestsOnThreads`] hash to.
pub(crate) struct FileDigests {
    pub prehash: [u8; 64],
    pub sha256: String,
    pub bytes: u64,
}

/// BLAKE2b-512 and SHA-256 of everything given, in order, each computed
/// on its own thread.
pub(crate) struct DigestsOnThreads {
    pending: Vec<u8>,
    blake: OnThread<blake2b_simd::State>,
    sha: OnThread<Sha256>,
    bytes: u64,
}

impl DigestsOnThreads {
    pub fn start() -> Self {
        DigestsOnThreads {
            pending: Vec::with_capacity(CHUNK),
            blake: OnThread::start("batch-blake2b", blake2b_simd::State::new, |s, b| {
                s.update(b);
            }),
            sha: OnThread::start("batch-sha256", Sha256::new, |s, b| s.update(b)),
            bytes: 0,
        }
    }

    /// Hashes a copy of `bytes` (gathered into chunks).
    pub fn update(&mut self, bytes: &[u8]) {
        self.bytes += bytes.len() as u64;
        self.pending.extend_from_slice(bytes);
        if self.pending.len() >= CHUNK {
            let full = std::mem::replace(&mut self.pending, Vec::with_capacity(CHUNK));
            self.send(Arc::new(full));
        }
    }

    /// Hashes `chunk` without copying it: for a caller that reads into
    /// chunks of its own and keeps working on them.
    pub fn update_shared(&mut self, chunk: Arc<Vec<u8>>) {
        if !self.pending.is_empty() {
            let gathered = std::mem::take(&mut self.pending);
            self.send(Arc::new(gathered));
        }
        self.bytes += chunk.len() as u64;
        self.send(chunk);
    }

    fn send(&mut self, chunk: Arc<Vec<u8>>) {
        self.blake.update(Arc::clone(&chunk));
        self.sha.update(chunk);
    }

    pub fn finish(mut self) -> FileDigests {
        if !self.pending.is_empty() {
            let gathered = std::mem::take(&mut self.pending);
            self.send(Arc::new(gathered));
        }
        let mut prehash = [0u8; 64];
        prehash.copy_from_slice(self.blake.finish().finalize().as_bytes());
        FileDigests {
            prehash,
            sha256: hex(&self.sha.finish().finalize()),
            bytes: self.bytes,
        }
    }
}

/// One hash's state, fed on a thread of its own (or, where no thread
/// could be started, on the caller's).
enum OnThread<S> {
    Thread {
        chunks: mpsc::SyncSender<Arc<Vec<u8>>>,
        state: thread::JoinHandle<S>,
    },
    Inline(S, fn(&mut S, &[u8])),
}

impl<S: Send + 'static> OnThread<S> {
    fn start(name: &str, new: fn() -> S, update: fn(&mut S, &[u8])) -> Self {
        let (chunks, received) = mpsc::sync_channel::<Arc<Vec<u8>>>(2);
        let started = thread::Builder::new().name(name.into()).spawn(move || {
            let mut state = new();
            for chunk in received {
                update(&mut state, &chunk);
            }
            state
        });
        match started {
            Ok(state) => OnThread::Thread { chunks, state },
            Err(_) => OnThread::Inline(new(), update),
        }
    }

    fn update(&mut self, chunk: Arc<Vec<u8>>) {
        match self {
            // The thread only stops once the queue is closed (`finish`, or
            // the owner dropped).
            OnThread::Thread { chunks, .. } => chunks
                .send(chunk)
                .expect("the hashing thread runs until finish"),
            OnThread::Inline(state, update) => update(state, &chunk),
        }
    }

    fn finish(self) -> S {
        match self {
            OnThread::Thread { chunks, state } => {
                drop(chunks);
                state
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            }
            OnThread::Inline(state, _) => state,
        }
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|x| format!("{x:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever the pieces and however they are given, the digests are
    /// those of the whole, computed at once.
    #[test]
    fn digests_match_hashing_the_whole_at_once() {
        let whole: Vec<u8> = (0..(3 * CHUNK + 12_345))
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        let mut d = DigestsOnThreads::start();
        let (a, rest) = whole.split_at(100);
        let (b, rest) = rest.split_at(CHUNK + 5);
        let (c, e) = rest.split_at(CHUNK);
        d.update(a);
        d.update_shared(Arc::new(b.to_vec()));
        d.update(c);
        d.update_shared(Arc::new(Vec::new()));
        d.update(e);
        let got = d.finish();
        assert_eq!(got.bytes, whole.len() as u64);
        assert_eq!(
            got.prehash.as_slice(),
            blake2b_simd::blake2b(&whole).as_bytes()
        );
        assert_eq!(got.sha256, hex(&Sha256::digest(&whole)));
    }

    #[test]
    fn nothing_given_hashes_the_empty_input() {
        let got = DigestsOnThreads::start().finish();
        assert_eq!(got.bytes, 0);
        assert_eq!(
            got.prehash.as_slice(),
            blake2b_simd::blake2b(b"").as_bytes()
        );
        assert_eq!(
            got.sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}

//! A CSV resident list read on a thread of its own, beside the caller's
//! work on each resident: parsing, decoding and checking the rows cost
//! about as much as storing them (`assign`), so the two overlap.
//!
//! The residents go back to the reading thread once the caller has seen
//! them, to be freed where they were allocated: glibc's malloc frees
//! another thread's memory under that thread's arena lock and then
//! consolidates it, which cost more than the overlap gained (a third more
//! CPU for `assign` of 100,000 residents, in perf).

use std::path::Path;
use std::sync::mpsc::{channel, sync_channel};

use super::{Encoding, ImportReport, ReadIntoError, csv_file};
use crate::assignment::Resident;

/// Residents per hand-over: enough that the hand-over costs nothing per
/// row, few enough that the ones in flight stay a few hundred kilobytes.
const BATCH: usize = 256;
/// Batches read ahead of the caller at most.
const AHEAD: usize = 2;

/// The caller's `each` failed: the reading stops.
struct Stopped;

/// `csv_file::read_file` with `each` called on the caller's thread, in
/// file order, while the next rows are read. Rows read before a problem
/// that makes the list unusable are all handed on before the error is
/// returned, as a reading on one thread hands them on.
pub(super) fn read_csv<E>(
    path: &Path,
    encoding: Option<Encoding>,
    each: &mut dyn FnMut(&Resident) -> Result<(), E>,
) -> Result<ImportReport, ReadIntoError<E>> {
    let (to_caller, from_reader) = sync_channel::<Vec<Resident>>(AHEAD);
    // Seen batches, back to be freed (and their Vec reused): at most the
    // AHEAD + 2 batches that exist at once, so unbounded is bounded.
    let (to_reader, seen) = channel::<Vec<Resident>>();
    std::thread::scope(|s| {
        let reader = s.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH);
            let read = csv_file::read_file(path, encoding, &mut |r| {
                batch.push(r);
                if batch.len() == BATCH {
                    let next = match seen.try_recv() {
                        Ok(mut old) => {
                            old.clear();
                            old
                        }
                        Err(_) => Vec::with_capacity(BATCH),
                    };
                    let full = std::mem::replace(&mut batch, next);
                    to_caller.send(full).map_err(|_| Stopped)?;
                }
                Ok(())
            });
            if !batch.is_empty() {
                // Fails only when the caller has stopped taking them.
                let _ = to_caller.send(batch);
            }
            drop(to_caller);
            // The last batches the caller saw, freed here too.
            for old in seen {
                drop(old);
            }
            read
        });
        let mut failed = None;
        // Ends when the reader is done (its sender dropped) or, on a
        // failure, drops the receiver, which stops the reader's next send.
        for batch in from_reader {
            if failed.is_none() {
                for r in &batch {
                    if let Err(e) = each(r) {
                        failed = Some(e);
                        break;
                    }
                }
            }
            let _ = to_reader.send(batch);
            if failed.is_some() {
                break;
            }
        }
        // The reader frees what is sent back until this sender is gone.
        drop(to_reader);
        let read = reader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        match (failed, read) {
            (Some(e), _) => Err(ReadIntoError::Target(e)),
            (None, Ok(report)) => Ok(report),
            (None, Err(ReadIntoError::Import(e))) => Err(ReadIntoError::Import(e)),
            // A send fails only once the receiver is gone, which happens
            // only after `each` failed.
            (None, Err(ReadIntoError::Target(Stopped))) => {
                unreachable!("the reader stopped while every resident was taken")
            }
        }
    })
}

//! Work spread over the machine's cores with results in input order: the
//! assessment's community × quarter × channel cells are independent, so
//! they are computed on several threads and merged in the order the
//! sequential loop would have made them — the same figures, bit for bit,
//! whatever the number of threads.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Items a worker takes at a time: small enough to share the work evenly
/// when another process holds a core, large enough that taking is cheap.
const BLOCK: usize = 32;

/// At most this many threads, whatever the machine offers.
const MAX_THREADS: usize = 8;

/// The threads worth using here: the cores the process may run on.
pub fn threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS)
}

/// `items.iter().map(f).collect()`, computed on up to `threads` threads
/// (the caller's among them). Workers take blocks of items in turn; the
/// blocks are put back in order, so the result does not depend on the
/// threads or on who finished first. A panic in `f` is re-raised.
pub fn map_ordered<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let blocks = items.len().div_ceil(BLOCK);
    let threads = threads.clamp(1, blocks.max(1));
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done: Vec<(usize, Vec<R>)> = Vec::new();
        loop {
            let b = next.fetch_add(1, Ordering::Relaxed);
            if b >= blocks {
                return done;
            }
            let part = &items[b * BLOCK..((b + 1) * BLOCK).min(items.len())];
            done.push((b, part.iter().map(&f).collect()));
        }
    };
    let mut parts: Vec<(usize, Vec<R>)> = std::thread::scope(|s| {
        let others: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mut parts = work();
        for h in others {
            match h.join() {
                Ok(p) => parts.extend(p),
                Err(e) => std::panic::resume_unwind(e),
            }
        }
        parts
    });
    parts.sort_unstable_by_key(|(b, _)| *b);
    let mut out = Vec::with_capacity(items.len());
    for (_, p) in parts {
        out.extend(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_input_order_whatever_the_threads() {
        let items: Vec<u64> = (0..1000).collect();
        let want: Vec<u64> = items.iter().map(|x| x * x + 1).collect();
        for threads in [0, 1, 2, 3, 8, 64] {
            assert_eq!(
                map_ordered(&items, threads, |x| x * x + 1),
                want,
                "{threads}"
            );
        }
        assert!(map_ordered(&[] as &[u64], 4, |x| *x).is_empty());
        assert_eq!(map_ordered(&[7u64], 4, |x| *x), [7]);
        assert!(threads() >= 1);
    }

    #[test]
    #[should_panic(expected = "item 500")]
    fn a_worker_panic_is_raised_again() {
        let items: Vec<u64> = (0..1000).collect();
        map_ordered(&items, 4, |x| {
            assert!(*x != 500, "item {x}");
            *x
        });
    }
}

//! A counting global allocator: Boa keeps no heap statistics, so the guest
//! counts live bytes itself, for `vm.measureMemory` and for its own memory
//! limit (`guest-options.memory-limit`): an allocation that takes the count
//! past the limit makes the engine's next tick ask the stop check, which
//! ends the running code (`limits.rs`).
//!
//! Rust cannot fail an allocation gracefully (a `Vec` that cannot grow
//! aborts the guest), so the limit has to be seen *before* the allocation
//! that would not fit. Two things make that so: a buffer that grows by
//! doubling (an array's elements or a string being built, reallocated; a
//! hash table, allocated anew with the old one freed) is stopped when its
//! *next* doubling would pass the limit, since there are many checkpoints
//! between two doublings; and a string whose length is known in
//! advance asks [`allows`] first (the strings patch). Both also try the
//! large block itself, since what is free may be in pieces too small.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
/// The memory limit in bytes; `usize::MAX` for none.
static LIMIT: AtomicUsize = AtomicUsize::new(usize::MAX);
/// The growing buffers watched (size and address; size 0 for an empty
/// slot): the largest buffers that grew by doubling, while they live (an
/// array's elements, the collector's list of every object, ...). Each
/// checkpoint checks that the largest could double once more; when it
/// could not, even after a collection, the run stops (see [`over_limit`]).
/// Freeing a buffer or moving it ends its watch.
static GROWING: [AtomicUsize; WATCHED] = [const { AtomicUsize::new(0) }; WATCHED];
static GROWING_AT: [AtomicUsize; WATCHED] = [const { AtomicUsize::new(0) }; WATCHED];
const WATCHED: usize = 4;
/// Whether a run was stopped while the watched buffers could not double:
/// they stop no further run until one grows again (the runs after may
/// still read what they hold; one that makes a buffer grow again is
/// watched anew, and stopped by the live count or that watch).
static GROWING_REPORTED: AtomicBool = AtomicBool::new(false);
/// Set by a memory stop while what the stopped run left reachable keeps
/// the heap near the limit: the runs around it get [`grace`] more bytes to
/// handle the stop (to drop the context that holds it, say) before they are
/// stopped too. Cleared when the live heap is back under the limit by as
/// much again (so a heap that hovers at the limit keeps it).
static IN_GRACE: AtomicBool = AtomicBool::new(false);
/// Buffers smaller than this are never watched (a checkpoint follows
/// before many of them can add up).
const LARGE: usize = 1 << 20;

/// Counts `size` more live bytes; past the line where runs stop, asks for
/// a stop check (past the limit alone, during a grace, every allocation
/// would ask one).
fn grew(size: usize) {
    let live = LIVE_BYTES.fetch_add(size, Ordering::Relaxed) + size;
    if live > stop_line() {
        boa_engine::vm::poll_interrupt_soon();
    }
}

/// What an allocation of `size` bytes takes from the heap: wasi-libc's
/// dlmalloc adds a 4-byte header and rounds chunks up to its 16-byte
/// alignment. Counting only `size` let a heap of small objects fill the
/// host's cap while the count was still well under the limit.
fn charged(size: usize) -> usize {
    (size.saturating_add(4 + 15) & !15).max(16)
}

/// Ends the watch on the buffer at `ptr`, if any (freed or moved; only
/// blocks of at least [`LARGE`] bytes are ever watched).
fn forget_growing(ptr: *mut u8) {
    for slot in 0..WATCHED {
        if GROWING_AT[slot].load(Ordering::Relaxed) == ptr as usize {
            GROWING_AT[slot].store(0, Ordering::Relaxed);
            GROWING[slot].store(0, Ordering::Relaxed);
        }
    }
}

/// The size of the largest buffer watched (0 for none).
fn largest_growing() -> usize {
    GROWING.iter().map(|size| size.load(Ordering::Relaxed)).max().unwrap_or(0)
}

/// The last large block allocated (address, size), while it lives: a hash
/// table grows by allocating a table twice the size and freeing the old
/// one, so freeing a block half its size marks it as a growing buffer.
static LAST_LARGE_AT: AtomicUsize = AtomicUsize::new(0);
static LAST_LARGE_SIZE: AtomicUsize = AtomicUsize::new(0);

/// Watches a buffer that grew by doubling (in the slot of the smallest
/// watched, if it is larger); if its next doubling would not fit already,
/// the next tick asks for a checkpoint.
fn watch_growth(at: usize, size: usize) {
    if LIMIT.load(Ordering::Relaxed) == usize::MAX {
        return;
    }
    let slot = (0..WATCHED).min_by_key(|&slot| GROWING[slot].load(Ordering::Relaxed)).unwrap_or(0);
    if GROWING[slot].load(Ordering::Relaxed) < size {
        GROWING[slot].store(size, Ordering::Relaxed);
        GROWING_AT[slot].store(at, Ordering::Relaxed);
    }
    GROWING_REPORTED.store(false, Ordering::Relaxed);
    if !doubling_fits(size, 0) {
        boa_engine::vm::poll_interrupt_soon();
    }
}

struct CountingAllocator;

// SAFETY: forwards to the system allocator and only adds bookkeeping.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(charged(layout.size()));
            if layout.size() >= LARGE {
                LAST_LARGE_AT.store(ptr as usize, Ordering::Relaxed);
                LAST_LARGE_SIZE.store(layout.size(), Ordering::Relaxed);
            }
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        if layout.size() >= LARGE / 2 {
            forget_growing(ptr);
            let last = LAST_LARGE_AT.load(Ordering::Relaxed);
            let last_size = LAST_LARGE_SIZE.load(Ordering::Relaxed);
            if last == ptr as usize {
                LAST_LARGE_AT.store(0, Ordering::Relaxed);
            } else if last != 0 && last_size >= layout.size() + layout.size() / 2 {
                watch_growth(last, last_size);
            }
        }
        let size = charged(layout.size());
        let live = LIVE_BYTES.fetch_sub(size, Ordering::Relaxed) - size;
        if IN_GRACE.load(Ordering::Relaxed) && live <= limit_less_grace() {
            IN_GRACE.store(false, Ordering::Relaxed);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            LIVE_BYTES.fetch_sub(charged(layout.size()), Ordering::Relaxed);
            if layout.size() >= LARGE {
                forget_growing(ptr);
            }
            grew(charged(new_size));
            if new_size >= LARGE && new_size > layout.size() {
                watch_growth(new as usize, new_size);
            }
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Bytes currently allocated by the guest (the whole engine, all contexts).
pub fn live_bytes() -> usize {
    LIVE_BYTES.load(Ordering::Relaxed)
}

/// Sets the memory limit (bytes of live heap), or removes it.
pub fn set_limit(limit: Option<u64>) {
    let limit = limit.map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
    LIMIT.store(limit, Ordering::Relaxed);
}

/// The memory limit, if one is set.
pub fn limit() -> Option<usize> {
    Some(LIMIT.load(Ordering::Relaxed)).filter(|&l| l != usize::MAX)
}

/// Whether a buffer of `size` bytes could double (`2 * size` more) within
/// the limit, with `margin` bytes to spare, and the heap has a block for it.
fn doubling_fits(size: usize, margin: usize) -> bool {
    let needed = size.saturating_mul(2).saturating_add(margin);
    live_bytes().saturating_add(needed) <= stop_line() && can_allocate(needed)
}

/// Whether the largest watched buffer, not yet reported, could not double (with
/// `margin` bytes to spare).
fn growth_blocked(margin: usize) -> bool {
    let size = largest_growing();
    size != 0 && !GROWING_REPORTED.load(Ordering::Relaxed) && !doubling_fits(size, margin)
}

/// The live bytes past which runs stop: the limit, or the limit and its
/// grace after a stop that left the heap past the limit.
fn stop_line() -> usize {
    let limit = LIMIT.load(Ordering::Relaxed);
    if IN_GRACE.load(Ordering::Relaxed) { limit.saturating_add(grace(limit)) } else { limit }
}

/// What the runs around a memory stop may allocate past the limit: a sixth
/// of it (an eighth of the cap the host sets, whose three quarters the limit
/// is), so the grace stays under the host's cap.
fn grace(limit: usize) -> usize {
    limit / 6
}

/// The live bytes under which a grace ends.
fn limit_less_grace() -> usize {
    let limit = LIMIT.load(Ordering::Relaxed);
    limit - grace(limit)
}

/// Whether the live heap is past the memory limit, or the watched buffer
/// could not double.
pub fn over_limit() -> bool {
    if LIMIT.load(Ordering::Relaxed) == usize::MAX {
        return false;
    }
    live_bytes() > stop_line() || growth_blocked(0)
}

/// Like [`over_limit`], after a collection, with a sixteenth of the limit to
/// spare: a collection that freed less stops the run (else a heap that
/// stays at the limit would be collected whole again for every few objects
/// made, and the run would crawl instead of stopping, as V8's
/// near-heap-limit collections do).
pub fn still_over_limit() -> bool {
    let line = stop_line();
    live_bytes() > line - line / 16 || growth_blocked(line / 16)
}

/// Called when a memory stop is raised: unless the heap is well under the
/// limit, the runs around the stopped one get their grace; the watched
/// buffers are reported.
pub fn stopped() {
    if live_bytes() > limit_less_grace() {
        IN_GRACE.store(true, Ordering::Relaxed);
    }
    GROWING_REPORTED.store(true, Ordering::Relaxed);
}

/// Whether `bytes` more fit under the limit, and in the heap as it is
/// (always, without a limit: no block is tried then).
pub fn allows(bytes: usize) -> bool {
    if LIMIT.load(Ordering::Relaxed) == usize::MAX {
        return true;
    }
    live_bytes().saturating_add(bytes) <= stop_line() && can_allocate(bytes)
}

/// Whether the heap can give one block of `bytes` now: it is tried (and
/// given back). The count of live bytes cannot say so: freed blocks that
/// are too small, between ones in use, make a heap under the limit unable
/// to grow by a large block within the host's cap. Small blocks always
/// pass (a checkpoint comes before many of them can add up).
fn can_allocate(bytes: usize) -> bool {
    if bytes < LARGE {
        return true;
    }
    let Ok(layout) = Layout::from_size_align(bytes, 16) else {
        return false;
    };
    // SAFETY: a non-zero size; the block is freed with its own layout.
    let block = unsafe { System.alloc(layout) };
    if block.is_null() {
        return false;
    }
    unsafe { System.dealloc(block, layout) };
    true
}

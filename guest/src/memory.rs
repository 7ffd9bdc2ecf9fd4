//! A counting global allocator: Boa keeps no heap statistics, so the guest
//! counts live bytes itself, for `vm.measureMemory` and for its own memory
//! limit (`guest-options.memory-limit`): an allocation that takes the count
//! past the limit makes the engine's next tick ask the stop check, which
//! ends the running code (`limits.rs`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
/// The memory limit in bytes; `usize::MAX` for none.
static LIMIT: AtomicUsize = AtomicUsize::new(usize::MAX);

/// Counts `size` more live bytes; past the limit, asks for a stop check.
fn grew(size: usize) {
    let live = LIVE_BYTES.fetch_add(size, Ordering::Relaxed) + size;
    if live > LIMIT.load(Ordering::Relaxed) {
        boa_engine::vm::poll_interrupt_soon();
    }
}

struct CountingAllocator;

// SAFETY: forwards to the system allocator and only adds bookkeeping.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
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

/// Whether the live heap is past the memory limit.
pub fn over_limit() -> bool {
    live_bytes() > LIMIT.load(Ordering::Relaxed)
}

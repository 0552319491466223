//! The parking table of one shared memory: the threads blocked in
//! `memory.atomic.wait32/64`, queued per address in the order they
//! arrived, so that `memory.atomic.notify` wakes the longest waiters first
//! and reports exactly how many it woke.
//!
//! A waiter compares the memory's value with what it expects while holding
//! the table's lock, and a notifier takes the same lock to dequeue waiters,
//! so a notify that follows the store a waiter is waiting for is never
//! lost. Each waiter sleeps on its own condition variable: a notify wakes
//! only the threads it dequeued.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// How often a waiter that may be interrupted looks at its interruption
/// condition (an epoch deadline has no wake-up of its own).
const POLL_INTERVAL: Duration = Duration::from_millis(1);

/// Threads waiting on addresses of one shared memory.
#[derive(Debug, Default)]
pub struct ParkingTable {
    queues: Mutex<HashMap<u64, VecDeque<Arc<Waiter>>>>,
    /// Handles to the memory that could run a notify (see
    /// [`ParkingTable::add_handle`]).
    handles: AtomicUsize,
}

#[derive(Debug, Default)]
struct Waiter {
    woken: AtomicBool,
    wake: Condvar,
}

/// How a wait ended.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum WaitOutcome {
    /// A notify woke the thread (wasm's result 0).
    Woken,
    /// The value was not the expected one (wasm's result 1).
    NotEqual,
    /// The timeout passed (wasm's result 2).
    TimedOut,
    /// The caller's `interrupted` condition held; the thread is no longer
    /// queued.
    Interrupted,
}

impl WaitOutcome {
    /// The `i32` that `memory.atomic.wait*` returns for a wait that was not
    /// interrupted.
    pub fn wasm_result(self) -> u32 {
        match self {
            WaitOutcome::Woken => 0,
            WaitOutcome::NotEqual => 1,
            WaitOutcome::TimedOut | WaitOutcome::Interrupted => 2,
        }
    }
}

impl ParkingTable {
    fn lock(&self) -> MutexGuard<'_, HashMap<u64, VecDeque<Arc<Waiter>>>> {
        self.queues.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Blocks the calling thread on `addr` until a notify, `deadline` or
    /// `interrupted()`, unless `expected()` (run under the table's lock,
    /// reading the memory) says the value differs. `expected` may fail
    /// (bounds, alignment): that error is returned and nothing waits.
    ///
    /// `interrupted` runs under the lock too, so it must be quick and must
    /// not use the table; with `poll` it is checked every millisecond,
    /// otherwise only when something wakes the thread (a handle dropped).
    pub fn wait<E>(
        &self,
        addr: u64,
        expected: impl FnOnce() -> Result<bool, E>,
        deadline: Option<Instant>,
        poll: bool,
        mut interrupted: impl FnMut() -> bool,
    ) -> Result<WaitOutcome, E> {
        let mut queues = self.lock();
        if !expected()? {
            return Ok(WaitOutcome::NotEqual);
        }
        let me = Arc::new(Waiter::default());
        queues.entry(addr).or_default().push_back(me.clone());
        loop {
            if me.woken.load(Ordering::SeqCst) {
                return Ok(WaitOutcome::Woken);
            }
            let now = Instant::now();
            let timed_out = deadline.is_some_and(|d| now >= d);
            if timed_out || interrupted() {
                dequeue(&mut queues, addr, &me);
                return Ok(if timed_out {
                    WaitOutcome::TimedOut
                } else {
                    WaitOutcome::Interrupted
                });
            }
            let mut sleep = deadline.map(|d| d - now);
            if poll {
                sleep = Some(sleep.map_or(POLL_INTERVAL, |s| s.min(POLL_INTERVAL)));
            }
            queues = match sleep {
                None => me.wake.wait(queues).unwrap_or_else(PoisonError::into_inner),
                Some(s) => {
                    let slept = me.wake.wait_timeout(queues, s);
                    slept.unwrap_or_else(PoisonError::into_inner).0
                }
            };
        }
    }

    /// Wakes up to `count` threads waiting on `addr`, longest waiting
    /// first, and returns how many it woke.
    pub fn notify(&self, addr: u64, count: u32) -> u32 {
        let mut queues = self.lock();
        let Some(queue) = queues.get_mut(&addr) else {
            return 0;
        };
        let n = queue.len().min(count as usize);
        for w in queue.drain(..n) {
            w.woken.store(true, Ordering::SeqCst);
            w.wake.notify_one();
        }
        if queue.is_empty() {
            queues.remove(&addr);
        }
        n as u32
    }

    /// How many threads wait on `addr`.
    pub fn waiters(&self, addr: u64) -> usize {
        self.lock().get(&addr).map_or(0, VecDeque::len)
    }

    /// Counts one more handle that keeps the memory reachable by some
    /// thread or host code that could notify.
    pub fn add_handle(&self) {
        self.handles.fetch_add(1, Ordering::SeqCst);
    }

    /// Counts a handle gone, and has every waiter look again at whether it
    /// can still be woken.
    pub fn drop_handle(&self) {
        self.handles.fetch_sub(1, Ordering::SeqCst);
        let queues = self.lock();
        for w in queues.values().flatten() {
            w.wake.notify_one();
        }
    }

    /// The number of live handles.
    pub fn handles(&self) -> usize {
        self.handles.load(Ordering::SeqCst)
    }
}

fn dequeue(queues: &mut HashMap<u64, VecDeque<Arc<Waiter>>>, addr: u64, me: &Arc<Waiter>) {
    if let Some(queue) = queues.get_mut(&addr) {
        queue.retain(|w| !Arc::ptr_eq(w, me));
        if queue.is_empty() {
            queues.remove(&addr);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;
    use std::thread;

    fn wait_forever(table: &ParkingTable, addr: u64) -> WaitOutcome {
        table
            .wait::<()>(addr, || Ok(true), None, false, || false)
            .unwrap()
    }

    fn until_waiting(table: &ParkingTable, addr: u64, n: usize) {
        while table.waiters(addr) < n {
            thread::yield_now();
        }
    }

    #[test]
    fn notify_wakes_in_arrival_order_and_counts_exactly() {
        let table = Arc::new(ParkingTable::default());
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut threads = Vec::new();
        for i in 0..3 {
            let (waiter_table, order) = (table.clone(), order.clone());
            threads.push(thread::spawn(move || {
                assert_eq!(wait_forever(&waiter_table, 8), WaitOutcome::Woken);
                order.lock().unwrap().push(i);
            }));
            // Each thread is queued before the next one starts.
            until_waiting(&table, 8, i + 1);
        }
        assert_eq!(table.notify(16, 5), 0, "another address has no waiters");
        assert_eq!(table.notify(8, 1), 1);
        while order.lock().unwrap().is_empty() {
            thread::yield_now();
        }
        assert_eq!(*order.lock().unwrap(), [0], "the first to wait wakes first");
        assert_eq!(table.notify(8, 5), 2);
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(table.notify(8, 5), 0);
    }

    #[test]
    fn a_different_value_or_an_error_does_not_wait() {
        let table = ParkingTable::default();
        let r = table.wait::<()>(0, || Ok(false), None, false, || false);
        assert_eq!(r, Ok(WaitOutcome::NotEqual));
        let r = table.wait(0, || Err("unaligned"), None, false, || false);
        assert_eq!(r, Err("unaligned"));
        assert_eq!(table.waiters(0), 0);
    }

    #[test]
    fn a_timeout_ends_the_wait_and_dequeues() {
        let table = ParkingTable::default();
        let start = Instant::now();
        let deadline = Some(start + Duration::from_millis(10));
        let r = table.wait::<()>(4, || Ok(true), deadline, false, || false);
        assert_eq!(r, Ok(WaitOutcome::TimedOut));
        assert!(start.elapsed() >= Duration::from_millis(10));
        assert_eq!(table.waiters(4), 0);
    }

    #[test]
    fn polling_sees_an_interruption() {
        let table = ParkingTable::default();
        let checks = AtomicU32::new(0);
        let r = table.wait::<()>(
            4,
            || Ok(true),
            None,
            true,
            || checks.fetch_add(1, Ordering::SeqCst) == 3,
        );
        assert_eq!(r, Ok(WaitOutcome::Interrupted));
        assert_eq!(table.waiters(4), 0);
    }

    #[test]
    fn dropping_a_handle_makes_waiters_look_again() {
        let table = Arc::new(ParkingTable::default());
        table.add_handle();
        table.add_handle();
        let t = {
            let table = table.clone();
            thread::spawn(move || {
                table
                    .wait::<()>(0, || Ok(true), None, false, || table.handles() < 2)
                    .unwrap()
            })
        };
        until_waiting(&table, 0, 1);
        table.drop_handle();
        assert_eq!(t.join().unwrap(), WaitOutcome::Interrupted);
    }
}

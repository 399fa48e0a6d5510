//! Counting requests in time windows: the one rule every rate check here
//! uses (the Discord mock's peak, the shared pacer's tests, the fan-out
//! bench), so a limit is never checked two slightly different ways.

use std::ops::Sub;
use std::time::Duration;

/// The most of `times` (sorted, earliest first) inside any one window of
/// `window` length.
pub fn peak<T: Copy + Sub<Output = Duration>>(times: &[T], window: Duration) -> usize {
    let mut best = 0;
    let mut first = 0;
    for last in 0..times.len() {
        while times[last] - times[first] >= window {
            first += 1;
        }
        best = best.max(last - first + 1);
    }
    best
}

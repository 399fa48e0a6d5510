//! Counting requests in time windows: the one rule every rate check here
//! uses (the Discord mock's peak, the shared pacer's tests, the fan-out
//! bench), so a limit is never checked two slightly different ways.

use std::ops::Sub;
use std::time::Duration;

/// The most of `times` inside any one window of `window` length. They are
/// sorted first: requests are recorded in the order their handlers finish,
/// not the order they arrived, and on unsorted times the window would not
/// slide (an earlier instant minus a later one saturates to zero).
pub fn peak<T: Copy + Ord + Sub<Output = Duration>>(times: &[T], window: Duration) -> usize {
    let mut times = times.to_vec();
    times.sort();
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

//! The one command grammar every front end uses: any line parses or is
//! refused, and an accepted answer is non-empty and within its limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prepbot::domain::command::{parse, Command, MAX_ANSWER_CHARS};

fuzz_target!(|data: &[u8]| {
    let line = String::from_utf8_lossy(data);
    if let Ok(Command::Answer { text, .. }) = parse(&line) {
        assert!(text.chars().count() <= MAX_ANSWER_CHARS);
        assert!(!text.trim().is_empty());
    }
});

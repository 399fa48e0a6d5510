//! The bank loader: any file yields questions and problems, never a panic,
//! and whatever loads has a prompt.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prepbot::bank::{parse_topics, scan_str};

const TOPICS: &str = "[[topic]]\nslug = \"sql\"\nname = \"SQL\"\nabout = \"queries\"\n";

fuzz_target!(|data: &[u8]| {
    let body = String::from_utf8_lossy(data);
    let topics = parse_topics("topics.toml", TOPICS).expect("the fuzz topics load");
    let (questions, _problems) = scan_str("fuzz.toml", &body, &topics);
    for q in questions {
        assert!(!q.question.prompt.trim().is_empty());
    }
});

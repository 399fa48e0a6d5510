//! The red importer on any file: it converts or refuses, never panics, and
//! every question it keeps passes the bank loader (`prepbot bank import`
//! reads a Red-DiscordBot YAML list).
#![no_main]

use libfuzzer_sys::fuzz_target;
use prepbot::bank::import::{convert, to_toml, ImportFormat, ImportOptions};
use prepbot::bank::{load_str, parse_topics, Topic};

const TOPICS: &str = "[[topic]]\nslug = \"sql\"\nname = \"SQL\"\nabout = \"queries\"\n";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let topics = parse_topics("topics.toml", TOPICS).expect("the fuzz topics load");
    let opts = ImportOptions {
        topic: Topic::parse("sql").expect("a topic"),
        difficulty: None,
        force: true,
    };
    if let Ok(c) = convert(ImportFormat::Red, "fuzz", "fuzz", &text, &opts, &topics) {
        let questions: Vec<_> = c.drafts.iter().map(|d| d.question.clone()).collect();
        let file = to_toml(&c.header, &questions);
        assert!(load_str("fuzz.toml", &file, &topics).is_ok(), "{file}");
    }
});
